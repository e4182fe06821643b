package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.Usage;
import java.util.HashMap;
import java.util.Map;

/**
 * Prices per 1M tokens by model alias, and the cost of a call in micro-units of the currency
 * (tokens × price per 1M tokens = micro-units, exactly). The built-in defaults are
 * <b>illustrative</b> list prices in USD for a few well-known models at the time of writing:
 * operators must configure their own.
 */
final class PriceTable {

    /** Illustrative USD list prices per 1M tokens; not authoritative, not kept current. */
    static final Map<String, BudgetConfig.Price> ILLUSTRATIVE_USD = Map.of(
            "gpt-4o-mini", new BudgetConfig.Price(0.15, 0.60, 0.075),
            "gpt-4o", new BudgetConfig.Price(2.50, 10.00, 1.25),
            "gpt-4.1-mini", new BudgetConfig.Price(0.40, 1.60, 0.10),
            "claude-haiku-4-5", new BudgetConfig.Price(1.00, 5.00, 0.10),
            "claude-sonnet-4-5", new BudgetConfig.Price(3.00, 15.00, 0.30));

    private final Map<String, BudgetConfig.Price> prices;

    PriceTable(Map<String, BudgetConfig.Price> configured, boolean withDefaults) {
        Map<String, BudgetConfig.Price> all = new HashMap<>();
        if (withDefaults) {
            all.putAll(ILLUSTRATIVE_USD);
        }
        all.putAll(configured);
        this.prices = Map.copyOf(all);
    }

    /**
     * The price a provider charges per 1M input + output tokens for one of its models, the
     * {@code cost} strategy's sort key: its configured price, else the illustrative one, else
     * {@link Double#POSITIVE_INFINITY} (unpriced providers go last).
     */
    static double perMillion(Map<String, BudgetConfig.Price> configured, String providerModel) {
        BudgetConfig.Price p = configured.get(providerModel);
        if (p == null) {
            p = ILLUSTRATIVE_USD.get(providerModel);
        }
        return p == null ? Double.POSITIVE_INFINITY : p.input() + p.output();
    }

    /** The cost of {@code usage} on {@code model} in micro-units, or -1 when the model has no price. */
    long micros(String model, Usage usage) {
        BudgetConfig.Price p = prices.get(model);
        if (p == null) {
            return -1;
        }
        long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
        double cost = (usage.inputTokens() - cached) * p.input() + cached * p.cachedInput() + usage.outputTokens() * p.output();
        return Math.round(cost);
    }
}
