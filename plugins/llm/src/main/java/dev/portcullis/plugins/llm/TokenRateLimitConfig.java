package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;
import java.util.List;

/**
 * Config of the {@code token-rate-limit} policy.
 *
 * @param key              what is limited: {@code consumer}, {@code route}, {@code model}, or a
 *                         list of them (one counter per combination); default {@code consumer}
 * @param tokensPerMinute  the limit per fixed minute (exactly one of the three is set)
 * @param tokensPerHour    the limit per fixed hour
 * @param tokensPerDay     the limit per fixed (UTC) day
 * @param on               which tokens count: {@code input}, {@code output} or {@code total} (default)
 * @param defaultMaxOutput the output reservation when the client sets no {@code max_tokens}
 *                         (default 1024); a stream that outgrows its reservation extends it as it goes
 * @param store            the state store (default {@code default})
 * @param failMode         when the store cannot answer: {@code open} admits (default), {@code closed} answers 503
 */
public record TokenRateLimitConfig(
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<KeyKind> key,
        Long tokensPerMinute,
        Long tokensPerHour,
        Long tokensPerDay,
        Counted on,
        Long defaultMaxOutput,
        String store,
        FailMode failMode,
        Long toolCallTokens) implements Validatable {

    /** One part of the counter key. */
    public enum KeyKind {
        /** The consumer (else the authenticated subject, else the client IP). */
        @JsonProperty("consumer") CONSUMER,
        /** The route. */
        @JsonProperty("route") ROUTE,
        /** The model alias the client asked for. */
        @JsonProperty("model") MODEL
    }

    /** Which tokens are counted. */
    public enum Counted {
        /** Prompt tokens. */
        @JsonProperty("input") INPUT,
        /** Generated tokens. */
        @JsonProperty("output") OUTPUT,
        /** Both. */
        @JsonProperty("total") TOTAL
    }

    /** What to do when the store cannot answer. */
    public enum FailMode {
        /** Admit. */
        @JsonProperty("open") OPEN,
        /** Answer 503. */
        @JsonProperty("closed") CLOSED
    }

    /** Fills defaults. */
    public TokenRateLimitConfig {
        key = key == null || key.isEmpty() ? List.of(KeyKind.CONSUMER) : List.copyOf(key);
        on = on == null ? Counted.TOTAL : on;
        defaultMaxOutput = defaultMaxOutput == null ? 1024L : defaultMaxOutput;
        store = store == null ? "default" : store;
        failMode = failMode == null ? FailMode.OPEN : failMode;
    }

    /** The configured limit. */
    long limit() {
        return tokensPerMinute != null ? tokensPerMinute : tokensPerHour != null ? tokensPerHour : tokensPerDay != null ? tokensPerDay : 0;
    }

    /** The window of the configured limit. */
    Duration window() {
        return tokensPerMinute != null ? Duration.ofMinutes(1) : tokensPerHour != null ? Duration.ofHours(1) : Duration.ofDays(1);
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (toolCallTokens != null && toolCallTokens < 1) {
            errors.add("toolCallTokens", "must be at least 1");
        }
        int set = (tokensPerMinute != null ? 1 : 0) + (tokensPerHour != null ? 1 : 0) + (tokensPerDay != null ? 1 : 0);
        if (set != 1) {
            errors.add("", "set exactly one of tokensPerMinute, tokensPerHour, tokensPerDay");
        }
        if (set == 1 && limit() <= 0) {
            errors.add(tokensPerMinute != null ? "tokensPerMinute" : tokensPerHour != null ? "tokensPerHour" : "tokensPerDay", "must be positive");
        }
        if (defaultMaxOutput < 0) {
            errors.add("defaultMaxOutput", "must not be negative");
        }
        if (key.stream().distinct().count() != key.size()) {
            errors.add("key", "lists a kind twice");
        }
    }
}
