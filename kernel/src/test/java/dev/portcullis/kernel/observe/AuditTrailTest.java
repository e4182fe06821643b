package dev.portcullis.kernel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.spi.AuditEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The audit line is written straight from the event's fields; it must stay the line the gateway
 * wrote before, which was Jackson's rendering of {@link AuditTrail#toMap} (what {@code /api/audit}
 * still serves).
 */
class AuditTrailTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLineIsTheJsonOfTheEventMapForFullSparseAndOddEvents() throws Exception {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("tool", "everything_echo");
        details.put("argumentKeys", "message,n");
        details.put("method", "tools/call");
        details.put("Zeta", "upper case sorts first");
        details.put("quote", "a \"quoted\" \\ back\\slash\n\ttab \u0001 ctl, é ü 漢 😀");
        List<AuditEvent> events = List.of(
                new AuditEvent(Instant.parse("2026-01-02T03:04:05.123456789Z"), "mcp", "mcp.decision", "allow", "mcp-tbac",
                        "everything", "agent-7", "corr-1", "req-1", "task echo-only allows it", details),
                // nulls left out, no details
                new AuditEvent(Instant.parse("2026-01-02T03:04:05Z"), "admin", "mcp.pin.approve", "allow", null, null, null,
                        null, null, null, null),
                new AuditEvent(Instant.parse("1970-01-01T00:00:00.100Z"), null, "e", null, "p", "r", "s\u2028", null, "id",
                        "</script>", Map.of("only", "")),
                new AuditEvent(Instant.parse("+12345-06-07T08:09:10.000001Z"), "api", "jwt", "deny", "jwt", "r", null, "c", "q",
                        "expired", Map.of()));
        for (AuditEvent e : events) {
            assertThat(AuditTrail.line(e)).isEqualTo(JSON.writeValueAsString(AuditTrail.toMap(e)));
        }
    }

    @Test
    void theTimeIsInstantToStringAcrossSecondsAndFractions() {
        SplittableRandom random = new SplittableRandom(42);
        long[] seconds = {0, 1, -1, 59, 1_795_000_000L, 253_402_300_799L, 253_402_300_800L, -62_167_219_200L, -62_167_219_201L};
        int[] nanos = {0, 1, 999_999_999, 1_000_000, 120_000_000, 1_000, 123_456_000, 100, 500_000_000, 7};
        List<Instant> instants = new ArrayList<>();
        for (long s : seconds) {
            for (int n : nanos) {
                instants.add(Instant.ofEpochSecond(s, n));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            long s = 1_700_000_000L + random.nextInt(5); // mostly the same few seconds, as under load
            int n = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(1000) * 1_000_000;
                case 1 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(s, n));
        }
        for (Instant t : instants) {
            assertThat(AuditTrail.time(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void recordWritesTheLineOnTheAuditLoggerAndKeepsTheEvent() {
        Logger logger = Logger.getLogger("portcullis.audit");
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level before = logger.getLevel();
        logger.addHandler(capture);
        logger.setLevel(Level.INFO);
        try {
            AuditTrail trail = new AuditTrail(4, new SimpleMeterRegistry());
            AuditEvent e = new AuditEvent(Instant.parse("2026-03-04T05:06:07.890Z"), "mcp", "mcp.decision", "deny", "mcp-tbac",
                    "r", "agent", "c", "q", "no rule", Map.of("tool", "s_t", "method", "tools/call"));
            trail.record(e);
            assertThat(lines).containsExactly("{\"time\":\"2026-03-04T05:06:07.890Z\",\"layer\":\"mcp\",\"event\":\"mcp.decision\","
                    + "\"outcome\":\"deny\",\"policy\":\"mcp-tbac\",\"route\":\"r\",\"subject\":\"agent\",\"correlationId\":\"c\","
                    + "\"requestId\":\"q\",\"reason\":\"no rule\",\"details\":{\"method\":\"tools/call\",\"tool\":\"s_t\"}}");
            assertThat(trail.recent(x -> true, 10)).containsExactly(e);
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
        }
    }
}
