package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Config of the {@code budget} policy.
 *
 * @param name     how 429 answers name this budget (default {@code budget})
 * @param key      {@code consumer} (default) or {@code label:<name>}, e.g. {@code label:team}
 * @param period   {@code day} or {@code month} (UTC calendar periods)
 * @param amount   the spend allowed per key and period, in {@code currency}
 * @param currency the currency of {@code amount} and {@code prices} (default {@code USD})
 * @param prices   model alias → prices per 1M tokens, on top of (and overriding) the
 *                 illustrative defaults of {@link PriceTable}
 * @param store    the state store (default {@code default})
 * @param toolCallPrice what one MCP {@code tools/call} costs, in {@code currency}, when the policy
 *                 also guards an MCP route: the agent's LLM tokens and tool calls then draw on one
 *                 budget (default: tool calls are free and not checked)
 */
public record BudgetConfig(
        String name,
        String key,
        Period period,
        BigDecimal amount,
        String currency,
        Map<String, Price> prices,
        String store,
        BigDecimal toolCallPrice) implements Validatable {

    /** The budget period. */
    public enum Period {
        /** A UTC calendar day. */
        @JsonProperty("day") DAY,
        /** A UTC calendar month. */
        @JsonProperty("month") MONTH
    }

    /**
     * Prices per 1M tokens.
     *
     * @param input       uncached prompt tokens
     * @param output      generated tokens
     * @param cachedInput prompt tokens read from the provider's cache (default: {@code input})
     */
    public record Price(Double input, Double output, Double cachedInput) {

        /** Cached input costs as much as input unless said otherwise. */
        public Price {
            cachedInput = cachedInput == null ? input : cachedInput;
        }
    }

    /** Fills defaults. */
    public BudgetConfig {
        name = name == null ? "budget" : name;
        key = key == null ? "consumer" : key;
        period = period == null ? Period.DAY : period;
        currency = currency == null ? "USD" : currency;
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        store = store == null ? "default" : store;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (amount == null || amount.signum() <= 0) {
            errors.add("amount", "must be a positive amount");
        }
        if (!key.equals("consumer") && !(key.startsWith("label:") && key.length() > 6)) {
            errors.add("key", "must be consumer or label:<name>");
        }
        if (toolCallPrice != null && toolCallPrice.signum() < 0) {
            errors.add("toolCallPrice", "must not be negative");
        }
        prices.forEach((model, p) -> {
            if (p == null || p.input() == null || p.output() == null) {
                errors.add("prices." + model, "needs input and output prices (per 1M tokens)");
            } else if (p.input() < 0 || p.output() < 0 || p.cachedInput() < 0) {
                errors.add("prices." + model, "prices must not be negative");
            }
        });
    }
}
