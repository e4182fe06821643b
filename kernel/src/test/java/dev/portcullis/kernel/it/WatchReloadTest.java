package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Reload on file change: a real change is applied, while a write that changes nothing keeps the
 * running config (and with it backends' health, circuit breakers and pools).
 */
class WatchReloadTest {

    static final String YAML = """
            server: { accessLog: { enabled: false } }
            routes:
              - { name: a, match: { path: /a }, backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] } }
            """;

    @Test
    void anUnchangedFileIsNotReloadedAndAChangedOneIs() throws Exception {
        try (TestGateway gateway = TestGateway.start(YAML)) {
            Path file = gateway.dir().resolve("portcullis.yaml");
            long first = gateway.gateway().current().version();
            Files.writeString(file, YAML);
            Thread.sleep(1500); // beyond the watcher's debounce
            assertThat(gateway.gateway().current().version()).isEqualTo(first);

            Files.writeString(file, YAML.replace("/a }", "/b }"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (gateway.gateway().current().version() == first && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(gateway.gateway().current().version()).isGreaterThan(first);
            assertThat(gateway.gateway().current().routesByName()).containsKey("a");
        }
    }
}
