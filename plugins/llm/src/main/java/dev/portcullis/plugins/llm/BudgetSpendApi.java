package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A budget's admin endpoint ({@code /api/routes/<route>/admin/spend}, or {@code spend-<name>} for
 * a budget with its own name): {@code GET} lists the current period's spend of every consumer or
 * team that spent something (limit, spent, remaining, period end), {@code GET /<subject>} shows
 * one, {@code DELETE /<subject>} resets one to zero (an operator action, audited with layer
 * {@code admin}). Subjects are consumer names (or {@code sub:...} / {@code ip:...} for callers
 * without a consumer) for consumer budgets, label values (e.g. {@code support}) for label budgets.
 * Runs on the admin listener, never on the data path: listing walks the store's keys.
 */
final class BudgetSpendApi {

    private static final Pattern NOT_NAME = Pattern.compile("[^a-z0-9-]+");
    static final int DEFAULT_LIST_LIMIT = 1000;
    static final int MAX_LIST_LIMIT = 10_000;

    private final BudgetConfig config;
    private final StateStore store;
    private final String prefix;
    private final String label;
    private final long amountMicros;
    private final Clock clock;
    private final AuditLog audit;
    private final String name;

    BudgetSpendApi(BudgetConfig config, StateStore store, String prefix, String label, long amountMicros, Clock clock, AuditLog audit) {
        this.config = config;
        this.store = store;
        this.prefix = prefix;
        this.label = label;
        this.amountMicros = amountMicros;
        this.clock = clock;
        this.audit = audit;
        this.name = endpointName(config.name());
    }

    /** {@code spend} for the default budget name, else {@code spend-<name>} reduced to {@code [a-z0-9-]}. */
    static String endpointName(String budgetName) {
        if ("budget".equals(budgetName)) {
            return "spend";
        }
        String n = NOT_NAME.matcher(budgetName.toLowerCase(Locale.ROOT)).replaceAll("-");
        return n.isEmpty() || n.equals("-") ? "spend" : "spend-" + n;
    }

    String name() {
        return name;
    }

    /** The counter owner of an admin subject: the consumer, or {@code label=value}. */
    String ownerOf(String subject) {
        return label == null ? subject : label + "=" + subject;
    }

    /** The admin subject of a counter owner. */
    String subjectOf(String owner) {
        return label == null ? owner : owner.substring(label.length() + 1);
    }

    /** The owner in words, for refusals: {@code consumer 'x'} or {@code team 'support'}. */
    String describe(String owner) {
        return (label == null ? "consumer" : label) + " '" + subjectOf(owner) + "'";
    }

    Response handle(AdminRequest request) {
        List<String> segments = request.segments();
        if (segments.size() > 1 || (segments.size() == 1 && segments.get(0).isEmpty())) {
            return error(404, "unknown path: use /" + name + " or /" + name + "/<subject>");
        }
        BudgetPeriod period = BudgetPeriod.containing(clock.instant(), config.period());
        try {
            if (segments.isEmpty()) {
                return request.method().equals("GET") ? list(request, period)
                        : error(405, "use GET to list spend, or DELETE /" + name + "/<subject> to reset one");
            }
            String subject = segments.get(0);
            return switch (request.method()) {
                case "GET" -> json(200, entry(subject, store.get(period.key(prefix, ownerOf(subject))), period));
                case "DELETE" -> reset(subject, period);
                default -> error(405, "use GET or DELETE on /" + name + "/<subject>");
            };
        } catch (StoreUnavailableException e) {
            return error(503, "the budget's store is unavailable: " + e.getMessage());
        }
    }

    private Response list(AdminRequest request, BudgetPeriod period) {
        int limit;
        try {
            limit = Integer.parseInt(request.queryParam("limit").orElse(Integer.toString(DEFAULT_LIST_LIMIT)));
        } catch (NumberFormatException e) {
            return error(400, "limit must be a number");
        }
        if (limit < 1 || limit > MAX_LIST_LIMIT) {
            return error(400, "limit must be between 1 and " + MAX_LIST_LIMIT);
        }
        // keys of the previous period live on for an hour: ask for a few more than the limit
        List<String> keys = store.keys(prefix, Math.min(MAX_LIST_LIMIT * 2, limit * 2));
        List<ObjectNode> entries = new ArrayList<>();
        for (String key : keys) {
            String owner = period.ownerOf(prefix, key);
            if (owner != null && (label == null || owner.startsWith(label + "="))) {
                entries.add(entry(subjectOf(owner), store.get(key), period));
            }
        }
        entries.sort(Comparator.comparing((ObjectNode e) -> e.get("spent").decimalValue()).reversed()
                .thenComparing(e -> e.get("subject").asText()));
        boolean truncated = entries.size() > limit || keys.size() >= Math.min(MAX_LIST_LIMIT * 2, limit * 2);
        ObjectNode root = header(period);
        ArrayNode out = root.putArray("spend");
        entries.stream().limit(limit).forEach(out::add);
        root.put("truncated", truncated);
        return json(200, root);
    }

    private Response reset(String subject, BudgetPeriod period) {
        String key = period.key(prefix, ownerOf(subject));
        long before = store.get(key);
        store.delete(key);
        String what = (label == null ? "consumer" : label) + " '" + subject + "'";
        audit.record(new AuditEvent(clock.instant(), "admin", "ai.budget.reset", "reset", "budget", null, null, null, null,
                "an operator reset the spend of " + what + " on budget '" + config.name() + "' for the period from " + period.begins(),
                Map.of("budget", config.name(), "owner", subject, "spentBefore", BudgetPolicy.money(before), "currency", config.currency())));
        ObjectNode root = entry(subject, 0, period);
        root.put("reset", true);
        root.put("spentBefore", BigDecimal.valueOf(before, 6).stripTrailingZeros());
        return json(200, root);
    }

    private ObjectNode header(BudgetPeriod period) {
        ObjectNode root = Json.object();
        root.put("budget", config.name()).put("key", config.key()).put("period", config.period().name().toLowerCase(Locale.ROOT))
                .put("currency", config.currency()).put("limit", config.amount())
                .put("periodStart", period.begins().toString()).put("periodEnd", period.ends().toString());
        return root;
    }

    private ObjectNode entry(String subject, long spentMicros, BudgetPeriod period) {
        ObjectNode e = Json.object();
        e.put("subject", subject);
        e.put("limit", config.amount());
        e.put("spent", BigDecimal.valueOf(spentMicros, 6).stripTrailingZeros());
        e.put("remaining", BigDecimal.valueOf(Math.max(0, amountMicros - spentMicros), 6).stripTrailingZeros());
        e.put("exhausted", spentMicros >= amountMicros);
        e.put("currency", config.currency());
        e.put("periodEnd", period.ends().toString());
        return e;
    }

    private static Response json(int status, ObjectNode body) {
        return Response.json(status, Json.write(body));
    }

    private static Response error(int status, String message) {
        return Response.json(status, Json.write(Json.object().put("error", message)));
    }
}
