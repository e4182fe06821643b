package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PF4J finds extensions only through META-INF/extensions.idx, written by annotation processing. */
class ExtensionIndexTest {

    @Test
    void everyFactoryIsIndexed() throws Exception {
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (var in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(LifecyclePolicyFactory.class.getName(), OpenApiPolicyFactory.class.getName());
    }
}
