package dev.portcullis.kernel.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.backend.http.HttpBackendFactory;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.llm.ProviderAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code PluginContext.extensions} answers from: PF4J's index, one kept instance per class. */
class PluginRegistryExtensionsTest {

    @Test
    void extensionsComeFromTheIndexOncePerClassAndAreKept() {
        try (PluginRegistry registry = PluginRegistry.load(null)) {
            List<BackendFactory> first = registry.extensions(BackendFactory.class);

            assertThat(first).hasAtLeastOneElementOfType(HttpBackendFactory.class);
            assertThat(first).extracting(Object::getClass).doesNotHaveDuplicates();
            List<BackendFactory> again = registry.extensions(BackendFactory.class);
            assertThat(again).hasSameSizeAs(first);
            for (int i = 0; i < first.size(); i++) {
                assertThat(again.get(i)).isSameAs(first.get(i)); // a reload sees the same instances
            }
            assertThat(registry.extensions(ProviderAdapter.class)).isEmpty(); // none on the kernel's class path
        }
    }
}
