package dev.portcullis.plugins.ratelimit;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;
import java.util.List;

/**
 * Config of the {@code rate-limit} policy, e.g.
 * {@code { type: rate-limit, key: consumer, limit: 100, period: 1s }}.
 *
 * <p>Key kinds: {@code consumer} (the identity's consumer name; its subject when it maps to no
 * consumer; the client IP when no identity was established, so anonymous callers are limited per
 * address rather than sharing one budget), {@code ip} (the client IP), {@code route} (the route
 * name: one budget for all callers), {@code header:<Name>} and {@code claim:<name>} (the value of a
 * request header or identity claim; the client IP when absent). Several kinds combine into one key.
 *
 * @param key       what a budget belongs to: one kind or a list of kinds (default {@code consumer})
 * @param algorithm {@code sliding-window} (default: at most {@code limit} per any {@code period}) or
 *                  {@code token-bucket} ({@code burst} at once, refilled at {@code limit} per {@code period})
 * @param limit     units per period (required)
 * @param period    the period (required, at least 1ms)
 * @param burst     token-bucket capacity (default {@code limit}); token-bucket only
 * @param cost      units one request takes (default 1)
 * @param store     the state store by name (default {@code default}); a Redis store shares budgets between nodes
 * @param failMode  when the store cannot answer: {@code open} admits (default), {@code closed} answers 503
 * @param headers   send {@code RateLimit-Limit/Remaining/Reset} on every response (default true);
 *                  {@code Retry-After} is always sent with a 429
 * @param scope     {@code route} (default): budgets are per route; {@code global}: every route using
 *                  an identical policy shares them
 */
public record RateLimitConfig(
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> key,
        Algorithm algorithm,
        Long limit,
        Duration period,
        Long burst,
        Long cost,
        String store,
        FailMode failMode,
        Boolean headers,
        Scope scope) implements Validatable {

    /** How requests are counted. */
    public enum Algorithm {
        /** A token bucket of {@code burst} tokens refilled continuously. */
        @JsonProperty("token-bucket") TOKEN_BUCKET,
        /** A sliding window approximated by two weighted fixed windows. */
        @JsonProperty("sliding-window") SLIDING_WINDOW
    }

    /** What to do when the store cannot answer. */
    public enum FailMode {
        /** Admit the request (and meter it). */
        @JsonProperty("open") OPEN,
        /** Answer 503 {@code rate-limit-unavailable}. */
        @JsonProperty("closed") CLOSED
    }

    /** Whether budgets are per route or shared by routes. */
    public enum Scope {
        /** Each route counts on its own. */
        @JsonProperty("route") ROUTE,
        /** Routes with an identical policy share budgets. */
        @JsonProperty("global") GLOBAL
    }

    /** Fills defaults. */
    public RateLimitConfig {
        key = key == null ? List.of("consumer") : List.copyOf(key);
        algorithm = algorithm == null ? Algorithm.SLIDING_WINDOW : algorithm;
        if (burst == null && algorithm == Algorithm.TOKEN_BUCKET) {
            burst = limit;
        }
        cost = cost == null ? 1L : cost;
        store = store == null ? "default" : store;
        failMode = failMode == null ? FailMode.OPEN : failMode;
        headers = headers == null ? Boolean.TRUE : headers;
        scope = scope == null ? Scope.ROUTE : scope;
    }

    /** The most units that can be admitted at once: {@code burst} for a bucket, {@code limit} for a window. */
    public long capacity() {
        return algorithm == Algorithm.TOKEN_BUCKET ? burst : limit;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (key.isEmpty()) {
            errors.add("key", "must name at least one key kind (consumer, ip, route, header:<name>, claim:<name>)");
        }
        for (int i = 0; i < key.size(); i++) {
            String problem = KeyPart.problem(key.get(i));
            if (problem != null) {
                errors.add(key.size() == 1 ? "key" : "key[" + i + "]", problem);
            }
        }
        if (limit == null) {
            errors.add("limit", "required");
        } else if (limit <= 0) {
            errors.add("limit", "must be positive");
        }
        if (period == null) {
            errors.add("period", "required");
        } else if (period.isNegative() || period.isZero()) {
            errors.add("period", "must be positive");
        } else if (period.toMillis() < 1) {
            errors.add("period", "must be at least 1ms");
        }
        if (burst != null && algorithm == Algorithm.SLIDING_WINDOW) {
            errors.add("burst", "only applies to algorithm token-bucket");
        } else if (burst != null && burst <= 0) {
            errors.add("burst", "must be positive");
        }
        if (cost <= 0) {
            errors.add("cost", "must be positive");
        } else if (limit != null && limit > 0 && (burst == null || burst > 0) && cost > capacity()) {
            errors.add("cost", "must not exceed " + (algorithm == Algorithm.TOKEN_BUCKET ? "burst" : "limit")
                    + " (" + capacity() + "), or no request could ever pass");
        }
        if (store.isBlank()) {
            errors.add("store", "must name a store");
        }
    }
}
