package dev.portcullis.kernel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {

    static LogRecord record(Level level, String instant, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setInstant(Instant.parse(instant));
        r.setLoggerName("portcullis.audit");
        r.setParameters(params.length == 0 ? null : params);
        return r;
    }

    @Test
    void aLineIsUtcTimeLevelLoggerAndMessage() {
        LogLineFormatter f = new LogLineFormatter();
        String nl = System.lineSeparator();
        assertThat(f.format(record(Level.INFO, "2026-11-24T13:50:01.007Z", "{\"event\":\"x\"}")))
                .isEqualTo("2026-11-24T13:50:01.007Z INFO    [portcullis.audit] {\"event\":\"x\"}" + nl);
        // the same second again (cached prefix), then the next one, then an earlier one
        assertThat(f.format(record(Level.WARNING, "2026-11-24T13:50:01.999Z", "late"))).startsWith("2026-11-24T13:50:01.999Z WARNING [");
        assertThat(f.format(record(Level.SEVERE, "2026-11-24T13:50:02Z", "next"))).startsWith("2026-11-24T13:50:02.000Z SEVERE  [");
        assertThat(f.format(record(Level.FINE, "1969-12-31T23:59:59.250Z", "before the epoch")))
                .startsWith("1969-12-31T23:59:59.250Z FINE    [");
        // whole minutes keep their seconds
        assertThat(f.format(record(Level.INFO, "2026-11-24T14:00:00.100Z", "m"))).startsWith("2026-11-24T14:00:00.100Z ");
    }

    @Test
    void parametersAreFilledInAndAStackTraceFollowsTheLine() {
        LogRecord r = record(Level.WARNING, "2026-11-24T13:50:01.007Z", "provider {0} failed", "mock");
        r.setThrown(new IllegalStateException("boom"));
        String line = new LogLineFormatter().format(r);
        assertThat(line).startsWith("2026-11-24T13:50:01.007Z WARNING [portcullis.audit] provider mock failed"
                + System.lineSeparator() + "java.lang.IllegalStateException: boom");
        assertThat(line).contains("at dev.portcullis.kernel.observe.LogLineFormatterTest").endsWith(System.lineSeparator());
    }
}
