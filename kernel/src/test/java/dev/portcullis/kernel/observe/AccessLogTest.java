package dev.portcullis.kernel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    @Test
    void everyLineFromManyThreadsIsWrittenAsJsonByClose(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs/access.log");
        AccessLog log = AccessLog.toFile(file);
        long t0 = 1_795_000_000_123L;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 8; w++) {
                int worker = w;
                pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        log.log(new AccessLog.Entry(t0 + i, "req-" + worker + "-" + i, "api", "GET", "/p\"q", 200,
                                1_234, "127.0.0.1:9", -1, 42, null, "127.0.0.1", null));
                    }
                });
            }
        }
        log.close(); // must flush everything queued before it
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2000);
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            ids.add(n.get("requestId").asText());
            assertThat(n.get("path").asText()).isEqualTo("/p\"q");
            assertThat(n.get("durationMs").asDouble()).isEqualTo(1.234);
        }
        assertThat(ids).hasSize(2000);
        assertThat(json.readTree(lines.get(0)).get("time").asText()).matches("2026-11-1\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(log.dropped()).isZero();
    }
}
