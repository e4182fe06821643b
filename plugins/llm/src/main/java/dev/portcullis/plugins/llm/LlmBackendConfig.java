package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Config of the {@code llm} backend: OpenAI- and Anthropic-compatible endpoints in front of
 * the configured providers.
 *
 * @param strategy        how the provider for a request is chosen: {@code failover} (default: in
 *                        order), {@code weighted} (random by weight, the others as fallbacks),
 *                        {@code least-latency} (lowest recent latency first) or {@code cost}
 *                        (cheapest price of the model each provider would serve first)
 * @param providers       the providers (at least one)
 * @param retry           attempts and backoff across providers
 * @param circuitBreaker  when a failing provider is set aside
 * @param connectTimeout  TCP/TLS connect timeout per attempt (default 5s)
 * @param timeout         time to the provider's response headers (default 120s); a non-streamed
 *                        answer silent for {@code timeout + streamIdleTimeout} after that is broken off
 * @param streamIdleTimeout the longest silence inside a provider's event stream before it is
 *                        ended with an error (default 60s)
 * @param estimateTokens  count the request's input tokens before sending it (jtokkit) and publish
 *                        the estimate as {@code LlmAttributes.ESTIMATED_INPUT_TOKENS} (default false)
 * @param maxRequestBody  the largest client request accepted (default 16MiB)
 * @param maxResponseBody the largest non-streamed provider answer accepted (default 32MiB)
 */
public record LlmBackendConfig(
        Strategy strategy,
        List<ProviderConfig> providers,
        RetryConfig retry,
        BreakerConfig circuitBreaker,
        Duration connectTimeout,
        Duration timeout,
        Duration streamIdleTimeout,
        Boolean estimateTokens,
        DataSize maxRequestBody,
        DataSize maxResponseBody) implements Validatable {

    /** Provider selection strategies. */
    public enum Strategy {
        /** In configured order. */
        @JsonProperty("failover") FAILOVER,
        /** First pick random by weight; the others, in order, as fallbacks. */
        @JsonProperty("weighted") WEIGHTED,
        /** By an exponentially weighted moving average of latency to the response headers. */
        @JsonProperty("least-latency") LEAST_LATENCY,
        /**
         * Cheapest first by the input + output price per 1M tokens of the model each provider
         * would serve ({@link ProviderConfig#prices}, else the illustrative {@link PriceTable});
         * unpriced providers last; ties keep config order.
         */
        @JsonProperty("cost") COST
    }

    /** Applies defaults. */
    public LlmBackendConfig {
        strategy = strategy == null ? Strategy.FAILOVER : strategy;
        providers = providers == null ? List.of() : List.copyOf(providers);
        retry = retry == null ? new RetryConfig(null, null, null) : retry;
        circuitBreaker = circuitBreaker == null ? new BreakerConfig(null, null) : circuitBreaker;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(120) : timeout;
        streamIdleTimeout = streamIdleTimeout == null ? Duration.ofSeconds(60) : streamIdleTimeout;
        estimateTokens = estimateTokens != null && estimateTokens;
        maxRequestBody = maxRequestBody == null ? DataSize.parse("16MiB") : maxRequestBody;
        maxResponseBody = maxResponseBody == null ? DataSize.parse("32MiB") : maxResponseBody;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (providers.isEmpty()) {
            errors.add("providers", "at least one provider is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < providers.size(); i++) {
            ProviderConfig p = providers.get(i);
            if (p == null) {
                errors.add("providers[" + i + "]", "must not be empty");
                continue;
            }
            p.validate(errors.at("providers[" + i + "]"));
            if (p.name() != null && !names.add(p.name())) {
                errors.add("providers[" + i + "].name", "duplicate provider name '" + p.name() + "'");
            }
        }
        retry.validate(errors.at("retry"));
        circuitBreaker.validate(errors.at("circuitBreaker"));
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            errors.add("connectTimeout", "must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            errors.add("timeout", "must be positive");
        }
        if (streamIdleTimeout.toMillis() < 10) {
            errors.add("streamIdleTimeout", "must be at least 10ms");
        }
    }

    /**
     * One provider.
     *
     * @param name    unique name, shown in {@code X-Portcullis-Provider}, logs and metrics
     * @param type    {@code openai}, {@code anthropic}, {@code azure-openai}, {@code openai-compatible},
     *                {@code gemini}, or the {@code type()} of a {@code ProviderAdapter} a plugin provides
     * @param baseUrl e.g. {@code https://api.openai.com/v1}, {@code https://api.anthropic.com},
     *                {@code https://generativelanguage.googleapis.com},
     *                {@code https://<resource>.openai.azure.com}, {@code http://localhost:11434/v1}
     * @param apiKey  the provider credential, usually {@code ${ENV}}; optional for openai-compatible
     *                and plugin types
     * @param models  public model alias → this provider's model (Azure: the deployment name)
     * @param weight  share for the {@code weighted} strategy (default 1)
     * @param options adapter settings: {@code apiVersion} (Azure), {@code defaultMaxTokens} and
     *                {@code anthropicVersion} (Anthropic), {@code apiVersion} (Gemini, default {@code v1beta})
     * @param prices  this provider's model (the right-hand side of {@code models}) → price per 1M
     *                tokens, for the {@code cost} strategy; models not listed fall back to the
     *                illustrative {@link PriceTable} by model name
     */
    public record ProviderConfig(
            String name,
            String type,
            String baseUrl,
            String apiKey,
            Map<String, String> models,
            Integer weight,
            Map<String, String> options,
            Map<String, BudgetConfig.Price> prices) implements Validatable {

        /** Applies defaults; keeps the model order as written. */
        public ProviderConfig {
            models = models == null ? Map.of() : new LinkedHashMap<>(models);
            weight = weight == null ? 1 : weight;
            options = options == null ? Map.of() : Map.copyOf(options);
            prices = prices == null ? Map.of() : Map.copyOf(prices);
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (name == null || name.isBlank()) {
                errors.add("name", "is required");
            }
            if (type == null || type.isBlank()) {
                errors.add("type", "is required (" + String.join(", ", Providers.TYPES) + ", or a type from a plugin)");
            }
            // an unknown type is reported by LlmBackendFactory.create, which also knows the plugins' types
            if (baseUrl == null) {
                errors.add("baseUrl", "is required");
            } else {
                try {
                    URI u = URI.create(baseUrl);
                    if (!u.isAbsolute() || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                        errors.add("baseUrl", "not an absolute http(s) URL");
                    }
                } catch (IllegalArgumentException e) {
                    errors.add("baseUrl", "not a URL: " + e.getMessage());
                }
            }
            // a plugin's adapter decides for itself whether it needs a key
            if ((apiKey == null || apiKey.isBlank()) && type != null && Providers.BUILT_IN.containsKey(type) && !"openai-compatible".equals(type)) {
                errors.add("apiKey", "is required for type " + type);
            }
            if (models.isEmpty()) {
                errors.add("models", "at least one model alias is required (alias: provider-model)");
            }
            if (weight < 0) {
                errors.add("weight", "must not be negative");
            }
            String max = options.get("defaultMaxTokens");
            if (max != null && !max.matches("[1-9][0-9]{0,8}")) {
                errors.add("options.defaultMaxTokens", "not a positive integer");
            }
            prices.forEach((model, p) -> {
                if (!models.containsValue(model)) {
                    errors.add("prices." + model, "not one of this provider's models " + models.values());
                } else if (p == null || p.input() == null || p.output() == null) {
                    errors.add("prices." + model, "needs input and output prices (per 1M tokens)");
                } else if (p.input() < 0 || p.output() < 0 || p.cachedInput() < 0) {
                    errors.add("prices." + model, "prices must not be negative");
                }
            });
        }

        @Override
        public String toString() {
            return "ProviderConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl + ", apiKey=<redacted>, models=" + models + "]";
        }
    }

    /**
     * A per-provider circuit breaker: after {@code failures} consecutive failures (connect errors,
     * timeouts, 5xx, streams that break before they start) the provider goes to the back of every
     * order for {@code cooldown}; one more failure after that sets it aside again, a success
     * closes the breaker. A set-aside provider is still tried when every other one failed.
     *
     * @param failures consecutive failures that open the breaker (default 5)
     * @param cooldown how long it stays open (default 30s)
     */
    public record BreakerConfig(Integer failures, Duration cooldown) implements Validatable {

        /** Applies defaults. */
        public BreakerConfig {
            failures = failures == null ? 5 : failures;
            cooldown = cooldown == null ? Duration.ofSeconds(30) : cooldown;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (failures < 1) {
                errors.add("failures", "must be at least 1");
            }
            if (cooldown.isNegative()) {
                errors.add("cooldown", "must not be negative");
            }
        }
    }

    /**
     * Retries across providers (and on one provider when it is the only one).
     *
     * @param attempts   total upstream attempts per request, the first included (default: the
     *                   number of providers serving the model, at least 2 for a single provider)
     * @param backoff    pause before a retry, doubled each time (default 100ms)
     * @param maxBackoff the longest pause, also the most of a {@code Retry-After} that is honoured
     *                   before retrying the same provider (default 2s)
     */
    public record RetryConfig(Integer attempts, Duration backoff, Duration maxBackoff) implements Validatable {

        /** Applies defaults. */
        public RetryConfig {
            backoff = backoff == null ? Duration.ofMillis(100) : backoff;
            maxBackoff = maxBackoff == null ? Duration.ofSeconds(2) : maxBackoff;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (attempts != null && (attempts < 1 || attempts > 10)) {
                errors.add("attempts", "must be between 1 and 10");
            }
            if (backoff.isNegative()) {
                errors.add("backoff", "must not be negative");
            }
            if (maxBackoff.compareTo(backoff) < 0) {
                errors.add("maxBackoff", "must not be shorter than backoff");
            }
        }
    }
}
