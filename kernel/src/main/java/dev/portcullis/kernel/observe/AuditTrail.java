package dev.portcullis.kernel.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's audit log: each event becomes one JSON line on the {@code portcullis.audit}
 * logger, a count in {@code portcullis.audit.events{layer,event,outcome}}, and an entry in a
 * bounded in-memory ring that {@code GET /api/audit} and the dashboard read. The ring outlives
 * config reloads; it is per node (the log lines are the durable, cluster-wide record).
 */
public final class AuditTrail implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger("portcullis.audit");
    /**
     * The same logger through JUL directly, for the event lines: the SLF4J-to-JUL adapter builds
     * a {@code Throwable} per line and walks its stack to name the caller, which no audit line
     * needs; a profile of MCP {@code tools/call} under load showed one per call (every call is
     * audited), see docs/benchmarks.md.
     */
    private static final java.util.logging.Logger LINES = java.util.logging.Logger.getLogger("portcullis.audit");
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    private static final IsoSeconds SECONDS = new IsoSeconds();

    private final AuditEvent[] ring;
    private final MeterRegistry meters;
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private long written;

    /** An audit trail keeping the last {@code capacity} events. */
    public AuditTrail(int capacity, MeterRegistry meters) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ring = new AuditEvent[capacity];
        this.meters = meters;
    }

    @Override
    public void record(AuditEvent event) {
        try {
            synchronized (ring) {
                ring[(int) (written++ % ring.length)] = event;
            }
            counters.computeIfAbsent(new CounterKey(event.layer(), event.event(), event.outcome()),
                    k -> Counter.builder("portcullis.audit.events")
                            .description("Decisions recorded in the audit log")
                            .tag("layer", String.valueOf(event.layer()))
                            .tag("event", String.valueOf(event.event()))
                            .tag("outcome", String.valueOf(event.outcome()))
                            .register(meters)).increment();
            if (LINES.isLoggable(java.util.logging.Level.INFO)) {
                LINES.logp(java.util.logging.Level.INFO, AuditTrail.class.getName(), "record", line(event));
            }
        } catch (Exception e) {
            LOG.warn("could not record an audit event: {}", e.toString());
        }
    }

    /** The most recent events matching {@code filter}, newest first, at most {@code limit}. */
    public List<AuditEvent> recent(Predicate<AuditEvent> filter, int limit) {
        List<AuditEvent> out = new ArrayList<>();
        synchronized (ring) {
            long oldest = Math.max(0, written - ring.length);
            for (long i = written - 1; i >= oldest && out.size() < limit; i--) {
                AuditEvent e = ring[(int) (i % ring.length)];
                if (filter.test(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * {@code event} as its JSON line: the members of {@link #toMap} in the same order, as Jackson
     * writes them, built in one {@code StringBuilder} with Jackson's string quoting (no map, no
     * serializer, no generator per event: every MCP {@code tools/call} is audited, see
     * {@code AuditLineBench}).
     */
    public static String line(AuditEvent event) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"time\":\"").append(time(event.time())).append('"');
        field(b, "layer", event.layer());
        field(b, "event", event.event());
        field(b, "outcome", event.outcome());
        field(b, "policy", event.policy());
        field(b, "route", event.route());
        field(b, "subject", event.subject());
        field(b, "correlationId", event.correlationId());
        field(b, "requestId", event.requestId());
        field(b, "reason", event.reason());
        Map<String, String> details = event.details();
        if (!details.isEmpty()) {
            String[] keys = details.keySet().toArray(new String[0]);
            Arrays.sort(keys);
            b.append(",\"details\":{");
            for (int i = 0; i < keys.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                quoted(b, keys[i]).append(':');
                quoted(b, details.get(keys[i]));
            }
            b.append('}');
        }
        return b.append('}').toString();
    }

    /** A member whose key needs no escaping; left out when the value is null. */
    private static void field(StringBuilder b, String key, String value) {
        if (value != null) {
            b.append(",\"").append(key).append("\":");
            quoted(b, value);
        }
    }

    private static StringBuilder quoted(StringBuilder b, String s) {
        b.append('"');
        if (plain(s)) {
            b.append(s); // in one copy: Jackson's quoting appends char by char
        } else {
            QUOTE.quoteAsString(s, b);
        }
        return b.append('"');
    }

    /** Whether Jackson would write {@code s} unescaped: no control character, quote or backslash. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@link Instant#toString()}, its seconds part formatted once per second. */
    static String time(Instant t) {
        String second = SECONDS.of(t.getEpochSecond());
        int nano = t.getNano();
        if (nano == 0) {
            return second + 'Z';
        }
        // as Instant.toString: the fraction in groups of three digits, as many as needed
        int digits;
        int value;
        if (nano % 1_000_000 == 0) {
            digits = 3;
            value = nano / 1_000_000;
        } else if (nano % 1_000 == 0) {
            digits = 6;
            value = nano / 1_000;
        } else {
            digits = 9;
            value = nano;
        }
        StringBuilder b = new StringBuilder(second.length() + digits + 2).append(second).append('.');
        String v = Integer.toString(value);
        for (int i = v.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(v).append('Z').toString();
    }

    private record CounterKey(String layer, String event, String outcome) {}

    /** {@code event} as an ordered map for JSON: the time as ISO-8601, null fields left out. */
    public static Map<String, Object> toMap(AuditEvent event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", event.time().toString());
        put(m, "layer", event.layer());
        put(m, "event", event.event());
        put(m, "outcome", event.outcome());
        put(m, "policy", event.policy());
        put(m, "route", event.route());
        put(m, "subject", event.subject());
        put(m, "correlationId", event.correlationId());
        put(m, "requestId", event.requestId());
        put(m, "reason", event.reason());
        if (!event.details().isEmpty()) {
            m.put("details", new java.util.TreeMap<>(event.details()));
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
