package dev.portcullis.kernel.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEvent[] ring;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
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
            counters.computeIfAbsent(event.layer() + '\n' + event.event() + '\n' + event.outcome(),
                    k -> Counter.builder("portcullis.audit.events")
                            .description("Decisions recorded in the audit log")
                            .tag("layer", String.valueOf(event.layer()))
                            .tag("event", String.valueOf(event.event()))
                            .tag("outcome", String.valueOf(event.outcome()))
                            .register(meters)).increment();
            if (LINES.isLoggable(java.util.logging.Level.INFO)) {
                LINES.logp(java.util.logging.Level.INFO, AuditTrail.class.getName(), "record", JSON.writeValueAsString(toMap(event)));
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
