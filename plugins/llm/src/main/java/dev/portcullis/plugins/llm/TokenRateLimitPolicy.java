package dev.portcullis.plugins.llm;

import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.LlmAttributes;
import dev.portcullis.spi.llm.Usage;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token rate limit over fixed windows. Admission reserves the request's estimate (input tokens
 * by jtokkit, output tokens by the request's output limit or {@code defaultMaxOutput}) in a
 * store counter and refuses, undoing the reservation, when the counter would pass the limit;
 * completion replaces the reservation by the actual usage. The counter therefore never holds
 * more than the limit at admission, whatever the concurrency. A stream that outgrows its output
 * reservation extends it as it goes ({@link TokenLimitStreamHook}) and is ended with a
 * well-formed finish when the window has no room left. Refusals and cut streams are audited
 * ({@code ai.token-limit}, outcomes {@code deny} and {@code truncate}).
 */
final class TokenRateLimitPolicy implements Policy, McpAuthorizer {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRateLimitPolicy.class);

    private final TokenRateLimitConfig config;
    private final StateStore store;
    private final TokenEstimator estimator;
    private final LlmPolicySupport support;
    private final AuditLog audit;
    private final long limit;
    private final long windowMillis;
    private final String prefix;
    private final AttributeKey<Reservation> reservationKey = AttributeKey.of("llm.token-reservation", Reservation.class);

    TokenRateLimitPolicy(TokenRateLimitConfig config, StateStore store, TokenEstimator estimator, LlmPolicySupport support, AuditLog audit) {
        this.config = config;
        this.store = store;
        this.estimator = estimator;
        this.support = support;
        this.audit = audit;
        this.limit = config.limit();
        this.windowMillis = config.window().toMillis();
        this.prefix = "llm-tokens:" + config.on().name().toLowerCase() + ":" + config.window().toSeconds() + ":";
    }

    /** One admitted request's share of a window counter; touched by one request thread at a time. */
    static final class Reservation {
        final String key;
        final Duration ttl;
        final long windowEndMillis;
        final long inputEstimate;
        long reserved;        // what this request holds in the counter now
        long outputReserved;  // the output part of it
        long outputSeen;      // output tokens counted from a stream
        long remaining;       // the window's room after admission, for headers

        Reservation(String key, Duration ttl, long windowEndMillis, long inputEstimate) {
            this.key = key;
            this.ttl = ttl;
            this.windowEndMillis = windowEndMillis;
            this.inputEstimate = inputEstimate;
        }
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        if (request == null) {
            if (config.toolCallTokens() != null && format == null) {
                McpAuthorizers.attach(exchange, this); // perhaps a tool call on an MCP route: see authorize
            }
            return Verdict.proceed(); // not a chat call, or invalid: the backend answers
        }
        ChatRequest chat = request.chat();
        long now = exchange.clock().millis();
        long window = now / windowMillis;
        long windowEnd = (window + 1) * windowMillis;
        Reservation r = new Reservation(prefix + key(exchange, chat) + ":" + window, Duration.ofMillis(windowEnd - now + 1000), windowEnd,
                config.on() == TokenRateLimitConfig.Counted.OUTPUT ? 0 : estimator.inputTokens(chat));
        long maxOutput = chat.maxTokens() != null ? chat.maxTokens() : config.defaultMaxOutput();
        r.outputReserved = config.on() == TokenRateLimitConfig.Counted.INPUT ? 0 : maxOutput;
        long cost = r.inputEstimate + r.outputReserved;
        long total;
        try {
            total = store.add(r.key, cost, r.ttl);
            if (total > limit) {
                store.add(r.key, -cost, r.ttl);
            }
        } catch (StoreUnavailableException e) {
            LOG.warn("token-rate-limit store unavailable ({}): failing {}", e.getMessage(), config.failMode() == TokenRateLimitConfig.FailMode.OPEN ? "open" : "closed");
            if (config.failMode() == TokenRateLimitConfig.FailMode.OPEN) {
                return Verdict.proceed();
            }
            audit(exchange, "deny", "the token limit cannot be checked: its store is unavailable", Map.of("model", chat.model()));
            return Verdict.reject(Failure.of(503, "token-limit-unavailable", "Token limit unavailable", "the token limit cannot be checked right now"));
        }
        if (total > limit) {
            long used = total - cost;
            String why = cost > limit
                    ? "this request needs up to " + cost + " tokens (input estimate " + r.inputEstimate + " + output limit " + r.outputReserved
                            + "), more than the limit of " + limit + " " + describe() + "; lower max_tokens"
                    : "token limit of " + limit + " " + describe() + " reached: " + used + " used or reserved, this request needs up to " + cost;
            audit(exchange, "deny", why, Map.of("model", chat.model(), "limit", Long.toString(limit), "needed", Long.toString(cost),
                    "used", Long.toString(used)));
            return Verdict.reject(headers(Failure.of(429, "token-limit-exceeded", "Token limit exceeded", why), Math.max(0, limit - used), windowEnd - now)
                    .withHeader("Retry-After", Long.toString(seconds(windowEnd - now))));
        }
        r.reserved = cost;
        r.remaining = limit - total;
        exchange.attributes().set(reservationKey, r);
        exchange.onComplete(() -> settle(exchange, r));
        return Verdict.proceed();
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        exchange.attributes().get(reservationKey).ifPresent(r -> {
            Response res = exchange.response();
            res.headers().set("RateLimit-Limit", Long.toString(limit));
            res.headers().set("RateLimit-Remaining", Long.toString(Math.max(0, r.remaining)));
            res.headers().set("RateLimit-Reset", Long.toString(seconds(r.windowEndMillis - exchange.clock().millis())));
        });
        return Verdict.proceed();
    }

    @Override
    public StreamHook onStream(Exchange exchange) {
        if (config.on() == TokenRateLimitConfig.Counted.INPUT) {
            return null;
        }
        Reservation r = exchange.attributes().get(reservationKey).orElse(null);
        ClientFormat format = support.chatFormat(exchange.request());
        if (r == null || format == null) {
            return null;
        }
        boolean anthropic = format instanceof AnthropicClientFormat;
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        boolean includeUsage = request != null && request.includeUsage();
        String model = request == null ? "" : request.chat().model();
        return new TokenLimitStreamHook(anthropic, includeUsage, r.inputEstimate, estimator, tokens -> {
            if (extend(r, tokens)) {
                return true;
            }
            audit(exchange, "truncate", "the stream was ended at the token limit of " + limit + " " + describe() + " after "
                    + r.outputSeen + " output tokens", Map.of("model", model, "limit", Long.toString(limit),
                    "outputTokens", Long.toString(r.outputSeen)));
            return false;
        });
    }

    /**
     * Extends a stream's output reservation to cover {@code outputSeen} tokens; false when the
     * window has no room for it (the stream is then ended).
     */
    private boolean extend(Reservation r, long outputSeen) {
        r.outputSeen = outputSeen;
        if (outputSeen <= r.outputReserved) {
            return true;
        }
        long grant = Math.max(64, outputSeen - r.outputReserved);
        try {
            long total = store.add(r.key, grant, r.ttl);
            if (total > limit) {
                store.add(r.key, -grant, r.ttl);
                return false;
            }
        } catch (StoreUnavailableException e) {
            return config.failMode() == TokenRateLimitConfig.FailMode.OPEN;
        }
        r.outputReserved += grant;
        r.reserved += grant;
        return true;
    }

    /** Replaces the reservation by what was actually used. */
    private void settle(Exchange exchange, Reservation r) {
        long actual;
        Usage usage = exchange.attributes().get(LlmAttributes.USAGE).orElse(null);
        if (usage != null && usage != Usage.NONE) {
            actual = switch (config.on()) {
                case INPUT -> usage.inputTokens();
                case OUTPUT -> usage.outputTokens();
                case TOTAL -> usage.totalTokens();
            };
        } else if (exchange.attributes().has(LlmAttributes.PROVIDER)) {
            // served without usage (a stream cut short, a provider that does not report): our own count
            actual = r.inputEstimate + r.outputSeen;
        } else {
            actual = 0; // refused, failed or answered from cache: no provider tokens spent
        }
        long delta = actual - r.reserved;
        if (delta != 0) {
            try {
                store.add(r.key, delta, r.ttl);
            } catch (StoreUnavailableException e) {
                LOG.warn("token-rate-limit could not settle {} tokens: {}", delta, e.getMessage());
            }
        }
    }

    private void audit(Exchange exchange, String outcome, String reason, Map<String, String> details) {
        audit.record(AuditEvent.of(exchange, "ai", "ai.token-limit", outcome, "token-rate-limit", reason, details));
    }

    /**
     * A tool call on an MCP route costs {@code toolCallTokens} from the same window as the agent's
     * LLM tokens (model part of the key: {@code mcp-tools}); refused with a JSON-RPC error once
     * the window is spent.
     */
    @Override
    public McpDecision authorize(Exchange exchange, McpCall call) {
        if (!"tools/call".equals(call.method())) {
            return McpDecision.allow();
        }
        long cost = config.toolCallTokens();
        long now = exchange.clock().millis();
        long window = now / windowMillis;
        long windowEnd = (window + 1) * windowMillis;
        String key = prefix + key(exchange, null) + ":" + window;
        Duration ttl = Duration.ofMillis(windowEnd - now + 1000);
        try {
            long total = store.add(key, cost, ttl);
            if (total > limit) {
                store.add(key, -cost, ttl);
                String why = "token limit of " + limit + " " + describe() + " reached: a tool call counts " + cost
                        + " tokens and " + (total - cost) + " are used or reserved";
                audit(exchange, "deny", why, Map.of("tool", call.publicName(), "limit", Long.toString(limit)));
                return McpDecision.deny("token-rate-limit", why);
            }
        } catch (StoreUnavailableException e) {
            if (config.failMode() != TokenRateLimitConfig.FailMode.OPEN) {
                return McpDecision.deny("token-rate-limit", "the token limit cannot be checked right now");
            }
        }
        return McpDecision.allow();
    }

    private String key(Exchange exchange, ChatRequest chat) {
        StringBuilder sb = new StringBuilder(48);
        for (TokenRateLimitConfig.KeyKind k : config.key()) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            switch (k) {
                case CONSUMER -> sb.append("c=").append(LlmPolicySupport.consumer(exchange));
                case ROUTE -> sb.append("r=").append(exchange.route().name());
                case MODEL -> sb.append("m=").append(chat == null ? "mcp-tools" : chat.model());
            }
        }
        return sb.toString();
    }

    private String describe() {
        String unit = config.tokensPerMinute() != null ? "minute" : config.tokensPerHour() != null ? "hour" : "day";
        return config.on().name().toLowerCase() + " tokens per " + unit;
    }

    private Failure headers(Failure f, long remaining, long resetMillis) {
        return f.withHeader("RateLimit-Limit", Long.toString(limit))
                .withHeader("RateLimit-Remaining", Long.toString(remaining))
                .withHeader("RateLimit-Reset", Long.toString(seconds(resetMillis)));
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
