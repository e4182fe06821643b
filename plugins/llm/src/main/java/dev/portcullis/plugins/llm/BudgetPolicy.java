package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.LlmAttributes;
import dev.portcullis.spi.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A currency budget per consumer or team label and calendar period. Spend accumulates from the
 * actual usage of each answer (priced by {@link PriceTable}) in a store counter of micro-units;
 * once the counter reaches the amount, chat calls are refused with 429 in the client's format
 * until the period ends. A request in flight when the budget runs out still completes, so spend
 * may pass the amount by the cost of the calls admitted just before. Spend is also counted in
 * {@code portcullis.llm.spend} (tags consumer, model, currency).
 */
final class BudgetPolicy implements Policy {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetPolicy.class);

    private final BudgetConfig config;
    private final StateStore store;
    private final PriceTable prices;
    private final LlmPolicySupport support;
    private final MeterRegistry meters;
    private final long amountMicros;
    private final String label;     // the label name for label keys, null for consumer keys
    private final String prefix;
    private final ConcurrentMap<String, Boolean> unpricedWarned = new ConcurrentHashMap<>();

    BudgetPolicy(BudgetConfig config, StateStore store, PriceTable prices, LlmPolicySupport support, MeterRegistry meters) {
        this.config = config;
        this.store = store;
        this.prices = prices;
        this.support = support;
        this.meters = meters;
        this.amountMicros = config.amount().movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        this.label = config.key().startsWith("label:") ? config.key().substring(6) : null;
        this.prefix = "llm-budget:" + config.name() + ":" + config.period().name().toLowerCase() + ":";
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        String owner = owner(exchange);
        if (request == null || owner == null) {
            return Verdict.proceed(); // not a chat call, or no budget applies to this caller
        }
        Instant now = exchange.clock().instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate start = config.period() == BudgetConfig.Period.DAY ? today : today.withDayOfMonth(1);
        LocalDate end = config.period() == BudgetConfig.Period.DAY ? today.plusDays(1) : start.plusMonths(1);
        Instant periodEnd = end.atStartOfDay(ZoneOffset.UTC).toInstant();
        String key = prefix + owner + ":" + start;
        Duration ttl = Duration.between(now, periodEnd).plusHours(1);
        long spent;
        try {
            spent = store.get(key);
        } catch (StoreUnavailableException e) {
            LOG.warn("budget store unavailable ({}): admitting", e.getMessage());
            return Verdict.proceed();
        }
        if (spent >= amountMicros) {
            long retry = Math.max(1, Duration.between(now, periodEnd).toSeconds());
            return Verdict.reject(Failure.of(429, "budget-exhausted", "Budget exhausted",
                    "budget '" + config.name() + "' of " + config.amount().toPlainString() + " " + config.currency() + " per "
                            + config.period().name().toLowerCase() + " for " + describe(owner) + " is exhausted (spent "
                            + money(spent) + " " + config.currency() + "); it renews at " + periodEnd)
                    .withHeader("Retry-After", Long.toString(retry)));
        }
        String model = request.chat().model();
        exchange.onComplete(() -> charge(exchange, key, ttl, model));
        return Verdict.proceed();
    }

    private void charge(Exchange exchange, String key, Duration ttl, String model) {
        Usage usage = exchange.attributes().get(LlmAttributes.USAGE).orElse(null);
        if (usage == null) {
            return; // refused, failed, or answered from cache
        }
        long micros = prices.micros(model, usage);
        if (micros < 0) {
            if (unpricedWarned.putIfAbsent(model, Boolean.TRUE) == null) {
                LOG.warn("budget '{}': model '{}' has no price; its calls are not charged", config.name(), model);
            }
            return;
        }
        if (micros == 0) {
            return;
        }
        try {
            store.add(key, micros, ttl);
        } catch (StoreUnavailableException e) {
            LOG.warn("budget '{}' could not record a spend of {} micro-{}: {}", config.name(), micros, config.currency(), e.getMessage());
        }
        if (meters != null) {
            Counter.builder("portcullis.llm.spend")
                    .description("Spend on LLM calls, from actual usage and the budget's price table")
                    .baseUnit(config.currency())
                    .tags("consumer", LlmPolicySupport.consumer(exchange), "model", model, "currency", config.currency())
                    .register(meters)
                    .increment(micros / 1_000_000.0);
        }
    }

    /** The budget owner of this caller, or null when the budget does not apply. */
    private String owner(Exchange exchange) {
        if (label == null) {
            return LlmPolicySupport.consumer(exchange);
        }
        Identity id = exchange.identity().orElse(null);
        String value = id == null ? null : id.labels().get(label);
        return value == null ? null : label + "=" + value;
    }

    private String describe(String owner) {
        return label == null ? "consumer '" + owner + "'" : label + " '" + owner.substring(label.length() + 1) + "'";
    }

    private static String money(long micros) {
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
