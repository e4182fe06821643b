package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Taints;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import dev.portcullis.spi.mcp.McpKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mcp-tbac} policy: task-based access control for the {@code mcp} backend. The token's
 * tasks claim selects tasks; a tool, resource or prompt is visible and callable when any of those
 * tasks allows it. In its request phase the policy attaches an authorizer bound to this caller's
 * tasks, which the backend asks for every listed item and every call.
 */
final class TbacPolicy implements Policy {

    private final TbacConfig config;
    private final Map<String, CompiledTask> tasks;
    private final StateStore store;
    private final McpAudit audit;

    /** Tools refused while the agent is tainted; null when the policy has no taint rule. */
    private final Globs sensitive;

    TbacPolicy(TbacConfig config, StateStore store, McpAudit audit) {
        this.sensitive = config.taint() == null || config.taint().sensitive().isEmpty() ? null : Globs.of(config.taint().sensitive());
        this.config = config;
        this.store = store;
        this.audit = audit;
        Map<String, CompiledTask> compiled = new LinkedHashMap<>();
        config.tasks().forEach((name, task) -> compiled.put(name, new CompiledTask(name, task)));
        this.tasks = Map.copyOf(compiled);
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        Identity identity = exchange.identity().orElse(null);
        List<String> granted = identity == null ? List.of() : claimValues(identity.claim(config.tasksClaim()));
        List<CompiledTask> mine = new ArrayList<>(granted.size());
        for (String name : granted) {
            CompiledTask t = tasks.get(name);
            if (t != null) {
                mine.add(t);
            }
        }
        String subject = identity == null ? null : identity.subject();
        Object agentClaim = identity == null ? null : identity.claim(config.agentClaim());
        String agent = agentClaim instanceof String s && !s.isEmpty() ? s : subject;
        McpAuthorizers.attach(exchange, new Caller(identity != null, agent == null ? "anonymous" : agent, granted, mine));
        return Verdict.proceed();
    }

    /** A claim holding names: a list, or one space-separated string. */
    static List<String> claimValues(Object claim) {
        if (claim instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
        }
        if (claim instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            for (Object o : c) {
                if (o instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        return List.of();
    }

    /** The authorizer for one exchange: this caller's tasks. */
    private final class Caller implements McpAuthorizer {

        private final boolean authenticated;
        private final String agent;
        private final List<String> granted;
        private final List<CompiledTask> tasks;

        Caller(boolean authenticated, String agent, List<String> granted, List<CompiledTask> tasks) {
            this.authenticated = authenticated;
            this.agent = agent;
            this.granted = granted;
            this.tasks = tasks;
        }

        @Override
        public boolean visible(Exchange exchange, McpItem item) {
            String name = item.server() + Names.SEPARATOR + item.name();
            boolean bare = unprefixed(exchange);
            for (CompiledTask t : tasks) {
                if (t.lists(item.kind(), name, item.name(), bare)) {
                    return true;
                }
            }
            // counted, not audited item by item: a listing would write one event per hidden item
            audit.countHidden(item.server(), name, config.shadow() ? "shadow-hide" : "hide");
            return config.shadow();
        }

        @Override
        public McpDecision authorize(Exchange exchange, McpCall call) {
            Decided d = tainted(exchange, call);
            if (d == null) {
                d = decide(call, unprefixed(exchange));
            }
            String decision = d.allowed() ? "allow" : config.shadow() ? "shadow-deny" : "deny";
            audit.decision(exchange, call, agent, granted, decision, d.rule(), d.auditReason());
            if (!d.allowed() && config.shadow()) {
                return McpDecision.allow("shadow:" + d.rule());
            }
            return d.toSpi();
        }

        /** A denial when the agent is tainted and the tool is sensitive; null otherwise. */
        private Decided tainted(Exchange exchange, McpCall call) {
            if (sensitive == null || call.kind() != McpKind.TOOL || exchange.identity().isEmpty()) {
                return null;
            }
            String name = call.server() + Names.SEPARATOR + call.name();
            if (!sensitive.matches(name)) {
                return null;
            }
            String key = Taints.agentKey(exchange.identity().get());
            Taints.Taint t;
            try {
                t = Taints.find(store, key).orElse(null);
            } catch (StoreUnavailableException e) {
                return Decided.deny("taint", "the taint store is unavailable; sensitive tools are refused", null);
            }
            if (t == null) {
                return null;
            }
            return Decided.deny("taint:" + t.source(), "agent " + key + " is tainted: " + t.source() + " flagged its conversation ("
                    + t.reason() + ") at " + t.at() + (t.correlationId() == null ? "" : ", correlation " + t.correlationId())
                    + "; sensitive tool " + name + " is refused while the mark lasts", null);
        }

        private Decided decide(McpCall call, boolean bare) {
            if (!authenticated) {
                return Decided.deny("mcp-tbac", "no authenticated identity: put an authentication policy (jwt) before mcp-tbac", null);
            }
            if (tasks.isEmpty()) {
                return Decided.deny("mcp-tbac", "the token grants no configured task (claim " + config.tasksClaim() + ")", null);
            }
            List<Decided> denials = new ArrayList<>(tasks.size());
            for (CompiledTask t : tasks) {
                Decided d = t.authorize(call, bare, agent, store);
                if (d.allowed()) {
                    return d;
                }
                denials.add(d);
            }
            if (denials.size() == 1) {
                return denials.get(0);
            }
            StringBuilder rules = new StringBuilder();
            StringBuilder reasons = new StringBuilder();
            StringBuilder audited = new StringBuilder();
            for (Decided d : denials) {
                if (!rules.isEmpty()) {
                    rules.append(", ");
                    reasons.append("; ");
                    audited.append("; ");
                }
                rules.append(d.rule());
                reasons.append(d.reason());
                audited.append(d.auditReason());
            }
            return Decided.deny(rules.toString(), reasons.toString(), audited.toString());
        }
    }

    /**
     * A decision before it becomes the SPI's {@link McpDecision}: a denial also carries a reason for
     * the audit log that leaves out argument values.
     */
    record Decided(boolean allowed, String rule, String reason, String auditReason) {
        static Decided allow(String rule) {
            return new Decided(true, rule, null, null);
        }

        static Decided deny(String rule, String reason, String auditReason) {
            return new Decided(false, rule, reason, auditReason == null ? reason : auditReason);
        }

        McpDecision toSpi() {
            return allowed ? McpDecision.allow(rule) : McpDecision.deny(rule, reason);
        }
    }

    /** One configured task, its globs compiled. */
    static final class CompiledTask {

        private final String name;
        private final Globs list;
        private final Globs resources;
        private final Globs prompts;
        private final List<Rule> rules;

        CompiledTask(String name, TbacConfig.Task task) {
            this.name = name;
            this.list = Globs.of(task.list());
            this.resources = Globs.of(task.resources());
            this.prompts = Globs.of(task.prompts());
            List<Rule> r = new ArrayList<>(task.call().size());
            for (int i = 0; i < task.call().size(); i++) {
                r.add(new Rule(name + ".call[" + i + "]", task.call().get(i)));
            }
            this.rules = List.copyOf(r);
        }

        /**
         * Whether this task lists an item. Globs match {@code <server>_<name>}; when clients see the
         * upstreams' own names ({@code unprefixed}), also the bare name. Resources always match both.
         */
        boolean lists(McpKind kind, String prefixed, String bare, boolean unprefixed) {
            return switch (kind) {
                case TOOL -> list.matches(prefixed) || unprefixed && list.matches(bare);
                case RESOURCE -> resources.matches(prefixed) || resources.matches(bare);
                case PROMPT -> prompts.matches(prefixed) || unprefixed && prompts.matches(bare);
            };
        }

        /** Whether this task lets {@code agent} make {@code call}; consumes quota when it does. */
        Decided authorize(McpCall call, boolean unprefixed, String agent, StateStore store) {
            String prefixed = call.server() + Names.SEPARATOR + call.name();
            if (call.kind() == McpKind.RESOURCE) {
                return resources.matches(prefixed) || resources.matches(call.name()) ? Decided.allow(name + ".resources")
                        : Decided.deny(name + ".resources", "task " + name + ": resource " + call.name() + " is not allowed", null);
            }
            if (call.kind() == McpKind.PROMPT) {
                return prompts.matches(prefixed) || unprefixed && prompts.matches(call.name()) ? Decided.allow(name + ".prompts")
                        : Decided.deny(name + ".prompts", "task " + name + ": prompt " + prefixed + " is not allowed", null);
            }
            List<Rule> matching = new ArrayList<>(2);
            for (Rule r : rules) {
                if (r.tool.matches(prefixed) || unprefixed && r.tool.matches(call.name())) {
                    matching.add(r);
                }
            }
            if (matching.isEmpty()) {
                return Decided.deny(name + ".call", "task " + name + ": no call rule allows " + prefixed, null);
            }
            for (Rule r : matching) {
                for (ArgumentCondition c : r.conditions) {
                    ArgumentCondition.Failure f = c.check(call.arguments());
                    if (f != null) {
                        String base = "task " + name + ": " + prefixed + " " + f.requirement();
                        return Decided.deny(r.name, f.got() == null ? base : base + "; got " + f.got(), base);
                    }
                }
            }
            for (Rule r : matching) {
                if (r.quota != null) {
                    String key = "mcp-tbac:quota:" + r.name + ':' + agent + ':' + prefixed;
                    long used;
                    try {
                        used = store.add(key, 1, r.quota.per());
                    } catch (StoreUnavailableException e) {
                        return Decided.deny(r.name + ".quota", "task " + name + ": the quota store is unavailable; refusing " + prefixed, null);
                    }
                    if (used > r.quota.limit()) {
                        return Decided.deny(r.name + ".quota", "task " + name + ": quota of " + r.quota.limit() + " calls per "
                                + human(r.quota.per()) + " for " + prefixed + " is exhausted for agent " + agent, null);
                    }
                }
            }
            return Decided.allow(matching.get(0).name);
        }
    }

    /** One call rule, compiled. */
    private record Rule(String name, Globs tool, List<ArgumentCondition> conditions, TbacConfig.Quota quota) {
        Rule(String name, TbacConfig.CallRule rule) {
            this(name, Globs.of(List.of(rule.tool())), rule.when().stream().map(ArgumentCondition::new).toList(), rule.quota());
        }
    }

    /** Whether the {@code mcp} backend shows the upstreams' own names on this exchange. */
    static boolean unprefixed(Exchange exchange) {
        return exchange.attributes().get(Names.UNPREFIXED).orElse(Boolean.FALSE);
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
