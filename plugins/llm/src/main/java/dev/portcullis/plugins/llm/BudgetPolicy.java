package dev.portcullis.plugins.llm;

import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.LlmAttributes;
import dev.portcullis.spi.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A currency budget per consumer or team label and calendar period. Spend accumulates from the
 * actual usage of each answer (priced by {@link PriceTable}) in a store counter of micro-units;
 * once the counter reaches the amount, chat calls are refused with 429 in the client's format
 * until the period ends, and the refusal is audited ({@code ai.budget}). A request in flight when
 * the budget runs out still completes, so spend may pass the amount by the cost of the calls
 * admitted just before. Spend is also counted in {@code portcullis.llm.spend} (tags budget,
 * consumer, model, currency), and operators read and reset it through the admin endpoint
 * {@link BudgetSpendApi}.
 */
final class BudgetPolicy implements Policy, AdminEndpoint, McpAuthorizer {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetPolicy.class);

    private final BudgetConfig config;
    private final StateStore store;
    private final PriceTable prices;
    private final LlmPolicySupport support;
    private final MeterRegistry meters;
    private final AuditLog audit;
    private final long amountMicros;
    private final String label;     // the label name for label keys, null for consumer keys
    private final String prefix;
    private final BudgetSpendApi spendApi;
    /** The price of one MCP tool call in micro-units, or -1 when tool calls are not budgeted. */
    private final long toolCallMicros;
    /** This policy's pending charge on an exchange (keys compare by identity: one per policy). */
    private final dev.portcullis.spi.AttributeKey<Charge> chargeKey;
    private final ConcurrentMap<String, Boolean> unpricedWarned = new ConcurrentHashMap<>();

    BudgetPolicy(BudgetConfig config, StateStore store, PriceTable prices, LlmPolicySupport support, MeterRegistry meters,
            AuditLog audit, Clock clock) {
        this.config = config;
        this.store = store;
        this.prices = prices;
        this.support = support;
        this.meters = meters;
        this.audit = audit;
        this.amountMicros = config.amount().movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        this.label = config.key().startsWith("label:") ? config.key().substring(6) : null;
        this.prefix = "llm-budget:" + config.name() + ":" + config.period().name().toLowerCase() + ":";
        this.toolCallMicros = config.toolCallPrice() == null ? -1
                : config.toolCallPrice().movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        this.chargeKey = dev.portcullis.spi.AttributeKey.of("llm.budget.charge." + config.name(), Charge.class);
        this.spendApi = new BudgetSpendApi(config, store, prefix, label, amountMicros, clock, audit);
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        String owner = owner(exchange);
        if (request == null && toolCallMicros >= 0 && owner != null) {
            McpAuthorizers.attach(exchange, this); // perhaps a tool call on an MCP route: see authorize
            return Verdict.proceed();
        }
        if (request == null || owner == null) {
            return Verdict.proceed(); // not a chat call, or no budget applies to this caller
        }
        Instant now = exchange.clock().instant();
        BudgetPeriod period = BudgetPeriod.containing(now, config.period());
        String key = period.key(prefix, owner);
        long spent;
        try {
            spent = store.get(key);
        } catch (StoreUnavailableException e) {
            LOG.warn("budget store unavailable ({}): admitting", e.getMessage());
            return Verdict.proceed();
        }
        String model = request.chat().model();
        if (spent >= amountMicros) {
            String why = "budget '" + config.name() + "' of " + config.amount().toPlainString() + " " + config.currency() + " per "
                    + config.period().name().toLowerCase() + " for " + spendApi.describe(owner) + " is exhausted (spent "
                    + money(spent) + " " + config.currency() + "); it renews at " + period.ends();
            audit.record(AuditEvent.of(exchange, "ai", "ai.budget", "deny", "budget", why, Map.of(
                    "budget", config.name(), "owner", spendApi.subjectOf(owner), "model", model,
                    "spent", money(spent), "amount", config.amount().toPlainString(), "currency", config.currency())));
            return Verdict.reject(Failure.of(429, "budget-exhausted", "Budget exhausted", why)
                    .withHeader("Retry-After", Long.toString(period.secondsLeft(now))));
        }
        Duration ttl = period.ttlFrom(now);
        Charge charge = new Charge(key, ttl, model);
        exchange.attributes().set(chargeKey, charge);
        exchange.onComplete(() -> charge(exchange, charge));
        return Verdict.proceed();
    }

    /**
     * A complete answer carries its usage already: charge it before the client has it, so the
     * client's next call sees the spend (streams are charged when they end).
     */
    @Override
    public Verdict onResponse(Exchange exchange) {
        exchange.attributes().get(chargeKey).ifPresent(charge -> charge(exchange, charge));
        return Verdict.proceed();
    }

    /** One call's pending charge; charged at most once. */
    private static final class Charge {
        final String key;
        final Duration ttl;
        final String model;
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        Charge(String key, Duration ttl, String model) {
            this.key = key;
            this.ttl = ttl;
            this.model = model;
        }
    }

    private void charge(Exchange exchange, Charge charge) {
        Usage usage = exchange.attributes().get(LlmAttributes.USAGE).orElse(null);
        if (usage == null || !charge.done.compareAndSet(false, true)) {
            return; // not known yet (a stream), refused, failed, answered from cache, or already charged
        }
        String key = charge.key;
        Duration ttl = charge.ttl;
        String model = charge.model;
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
            // tagged by budget: two budgets on one route (consumer and team) must not add up in one series
            Counter.builder("portcullis.llm.spend")
                    .description("Spend on LLM calls, from actual usage and the budget's price table")
                    .baseUnit(config.currency())
                    .tags("budget", config.name(), "consumer", LlmPolicySupport.consumer(exchange), "model", model,
                            "currency", config.currency())
                    .register(meters)
                    .increment(micros / 1_000_000.0);
        }
    }

    /** The budget owner of this caller, or null when the budget does not apply. */
    /**
     * A tool call on an MCP route draws on the same budget as the agent's LLM calls: refused (a
     * JSON-RPC error naming the budget) once it is spent, else charged its price at once.
     */
    @Override
    public McpDecision authorize(Exchange exchange, McpCall call) {
        if (!"tools/call".equals(call.method())) {
            return McpDecision.allow();
        }
        String owner = owner(exchange);
        Instant now = exchange.clock().instant();
        BudgetPeriod period = BudgetPeriod.containing(now, config.period());
        String key = period.key(prefix, owner);
        try {
            long spent = store.get(key);
            if (spent >= amountMicros) {
                String why = "budget '" + config.name() + "' of " + config.amount().toPlainString() + " " + config.currency()
                        + " per " + config.period().name().toLowerCase() + " for " + spendApi.describe(owner)
                        + " is exhausted (spent " + money(spent) + " " + config.currency() + "); it renews at " + period.ends();
                audit.record(AuditEvent.of(exchange, "mcp", "ai.budget", "deny", "budget", why, Map.of(
                        "budget", config.name(), "owner", spendApi.subjectOf(owner), "tool", call.publicName(),
                        "spent", money(spent), "amount", config.amount().toPlainString(), "currency", config.currency())));
                return McpDecision.deny("budget:" + config.name(), why);
            }
            if (toolCallMicros > 0) {
                store.add(key, toolCallMicros, period.ttlFrom(now));
            }
        } catch (StoreUnavailableException e) {
            LOG.warn("budget store unavailable ({}): admitting the tool call", e.getMessage());
        }
        return McpDecision.allow(); // no rule: the audit keeps naming the access rule that allowed the call
    }

    private String owner(Exchange exchange) {
        if (label == null) {
            return LlmPolicySupport.consumer(exchange);
        }
        Identity id = exchange.identity().orElse(null);
        String value = id == null ? null : id.labels().get(label);
        return value == null ? null : spendApi.ownerOf(value);
    }

    @Override
    public String adminEndpointName() {
        return spendApi.name();
    }

    @Override
    public Response handleAdmin(AdminRequest request) {
        return spendApi.handle(request);
    }

    static String money(long micros) {
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
