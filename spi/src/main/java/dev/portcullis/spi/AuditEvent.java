package dev.portcullis.spi;

import java.time.Instant;
import java.util.Map;

/**
 * One security-relevant decision, for the audit trail every layer writes to: a token rejected, a
 * prompt flagged, a tool call denied, a tool approved. Never carries secrets, prompt text or
 * argument values: {@code details} holds names and short reasons only.
 *
 * @param time          when it was decided
 * @param layer         {@code api}, {@code ai}, {@code mcp} or {@code admin}
 * @param event         what kind of decision, e.g. {@code mcp.decision}, {@code prompt-guard}
 * @param outcome       e.g. {@code allow}, {@code deny}, {@code block}, {@code flag}, {@code shadow-deny}
 * @param policy        the deciding policy's type or name
 * @param route         the route, or null outside a request
 * @param subject       who: the consumer or token subject, or null if anonymous
 * @param correlationId the exchange's {@link Exchange#correlationId()}, or null outside a request
 * @param requestId     the exchange's request id, or null outside a request
 * @param reason        why, in a sentence an operator understands
 * @param details       further facts (tool, rule, score, model); names, never values
 */
public record AuditEvent(Instant time, String layer, String event, String outcome, String policy, String route,
        String subject, String correlationId, String requestId, String reason, Map<String, String> details) {

    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An event about {@code exchange}: time, route, subject, correlation and request id from it. */
    public static AuditEvent of(Exchange exchange, String layer, String event, String outcome, String policy,
            String reason, Map<String, String> details) {
        return new AuditEvent(exchange.clock().instant(), layer, event, outcome, policy, exchange.route().name(),
                exchange.identity().map(Identity::subject).orElse(null), exchange.correlationId(),
                exchange.requestId(), reason, details);
    }
}
