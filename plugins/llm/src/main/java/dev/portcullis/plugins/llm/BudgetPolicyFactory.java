package dev.portcullis.plugins.llm;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import java.time.Clock;
import org.pf4j.Extension;

/** Creates {@code budget} policies: currency budgets per consumer or team and period. */
@Extension
public final class BudgetPolicyFactory implements PolicyFactory<BudgetConfig> {

    @Override
    public String type() {
        return "budget";
    }

    @Override
    public Class<BudgetConfig> configType() {
        return BudgetConfig.class;
    }

    @Override
    public String description() {
        return "LLM spend budget per consumer or team label and day or month, from actual usage and a price table";
    }

    @Override
    public Policy create(BudgetConfig config, PluginContext context) {
        // the illustrative defaults are USD list prices: other currencies use configured prices only
        PriceTable prices = new PriceTable(config.prices(), "USD".equals(config.currency()));
        return new BudgetPolicy(config, context.store(config.store()), prices, new LlmPolicySupport(), context.meters(),
                context.audit(), Clock.systemUTC());
    }
}
