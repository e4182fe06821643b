package com.example.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What makes this a loadable third-party plugin: an extension index, and no kernel classes. */
class PluginContentsTest {

    private static Path classesDir() throws URISyntaxException {
        return Path.of(StampPolicyFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyExtensionIsInTheExtensionIndex() throws Exception {
        List<String> index = Files.readAllLines(classesDir().resolve("META-INF/extensions.idx"));

        assertThat(index).contains(StampPolicyFactory.class.getName(), StaticBackendFactory.class.getName(),
                CompletionProviderAdapter.class.getName());
    }

    @Test
    void noCompiledClassReferencesTheKernel() throws Exception {
        try (Stream<Path> files = Files.walk(classesDir())) {
            List<Path> classes = files.filter(p -> p.toString().endsWith(".class")).toList();
            assertThat(classes).isNotEmpty();
            for (Path c : classes) {
                // Class references sit in the constant pool as UTF-8 internal names.
                assertThat(read(c)).as(c.getFileName().toString()).doesNotContain("dev/portcullis/kernel");
            }
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
