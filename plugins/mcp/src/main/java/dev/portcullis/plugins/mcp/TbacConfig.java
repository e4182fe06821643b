package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Config of the {@code mcp-tbac} policy: task-based access control driven by the caller's token.
 *
 * @param tasksClaim claim listing the tasks the token is authorized for (list, or space-separated string)
 * @param agentClaim claim naming the agent, for quotas and audit (falls back to the identity's subject)
 * @param mode       {@code enforce} (default) or {@code shadow}: decide, audit and count, but deny nothing
 *                   and hide nothing. (The kernel's {@code shadow: true} only neutralises verdicts, and
 *                   TBAC decides inside the mcp backend, so it has its own switch.)
 * @param store      the state store holding quota counters
 * @param tasks      task name → what the task may list and call
 */
public record TbacConfig(
        @JsonPropertyDescription("Claim listing the token's tasks (default authorized_tasks)") String tasksClaim,
        @JsonPropertyDescription("Claim naming the agent (default sub)") String agentClaim,
        @JsonPropertyDescription("enforce (default) or shadow") String mode,
        @JsonPropertyDescription("State store for quotas (default: default)") String store,
        @JsonPropertyDescription("Task name to its rules") Map<String, Task> tasks,
        @JsonPropertyDescription("Tools refused while another layer holds the agent tainted (cross-layer)") Taint taint)
        implements Validatable {

    /**
     * Cross-layer tightening: while the agent carries a taint mark in {@code store} (the AI gate's
     * {@code prompt-guard} with {@code taint:} sets one when it finds an injected prompt), calls to
     * these tools are refused, naming the mark, whatever the tasks allow.
     *
     * @param sensitive globs over federated tool names, e.g. {@code mail_*}
     */
    public record Taint(List<String> sensitive) {
        /** Null becomes empty. */
        public Taint {
            sensitive = sensitive == null ? List.of() : List.copyOf(sensitive);
        }
    }

    /** Defaults as documented. */
    public TbacConfig {
        tasksClaim = tasksClaim == null ? "authorized_tasks" : tasksClaim;
        agentClaim = agentClaim == null ? "sub" : agentClaim;
        mode = mode == null ? "enforce" : mode;
        store = store == null ? "default" : store;
        tasks = tasks == null ? Map.of() : new LinkedHashMap<>(tasks);
    }

    boolean shadow() {
        return mode.equals("shadow");
    }

    /**
     * What one task allows.
     *
     * @param list      globs over federated tool names ({@code <server>_<tool>}) shown by {@code tools/list}
     * @param call      rules for {@code tools/call}: a call needs at least one rule whose glob matches,
     *                  and must pass the conditions and quotas of every rule whose glob matches
     * @param resources globs over {@code <server>_<uri>} or the bare URI: {@code resources/list} and {@code resources/read}
     * @param prompts   globs over {@code <server>_<prompt>}: {@code prompts/list} and {@code prompts/get}
     */
    public record Task(
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> list,
            List<CallRule> call,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> resources,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> prompts) {

        /** Null lists become empty. */
        public Task {
            list = list == null ? List.of() : List.copyOf(list);
            call = call == null ? List.of() : List.copyOf(call);
            resources = resources == null ? List.of() : List.copyOf(resources);
            prompts = prompts == null ? List.of() : List.copyOf(prompts);
        }
    }

    /**
     * One call rule.
     *
     * @param tool  glob over federated tool names
     * @param when  argument conditions; all must hold
     * @param quota calls allowed per agent and tool in a fixed window
     */
    public record CallRule(String tool, List<Condition> when, Quota quota) {

        /** Null conditions become empty. */
        public CallRule {
            when = when == null ? List.of() : List.copyOf(when);
        }
    }

    /**
     * A condition on the values a JSON path reaches in the call's arguments: every value must pass
     * every check given, and the path must reach at least one value.
     */
    public record Condition(
            String path,
            @JsonPropertyDescription("Value every match must equal") Object equals,
            @JsonPropertyDescription("Values every match must be one of") List<Object> in,
            @JsonPropertyDescription("Regular expression every match must match in full") String regex,
            @JsonPropertyDescription("Least number allowed") BigDecimal min,
            @JsonPropertyDescription("Greatest number allowed") BigDecimal max,
            @JsonPropertyDescription("E-mail domains every match must be at") List<String> emailDomainIn) {}

    /**
     * A quota.
     *
     * @param limit calls allowed per window
     * @param per   the window
     */
    public record Quota(long limit, Duration per) {}

    @Override
    public void validate(ConfigErrors errors) {
        if (!mode.equals("enforce") && !mode.equals("shadow")) {
            errors.add("mode", "expected enforce or shadow");
        }
        if (tasks.isEmpty()) {
            errors.add("tasks", "define at least one task");
        }
        tasks.forEach((name, task) -> {
            String at = "tasks." + name;
            if (task == null) {
                errors.add(at, "empty task");
                return;
            }
            for (int i = 0; i < task.call().size(); i++) {
                CallRule rule = task.call().get(i);
                String r = at + ".call[" + i + "]";
                if (rule.tool() == null || rule.tool().isBlank()) {
                    errors.add(r + ".tool", "required: a glob over federated tool names");
                }
                if (rule.quota() != null) {
                    if (rule.quota().limit() < 1) {
                        errors.add(r + ".quota.limit", "must be at least 1");
                    }
                    if (rule.quota().per() == null || !rule.quota().per().isPositive()) {
                        errors.add(r + ".quota.per", "required: a positive duration, e.g. 1h");
                    }
                }
                for (int j = 0; j < rule.when().size(); j++) {
                    validate(rule.when().get(j), r + ".when[" + j + "]", errors);
                }
            }
        });
    }

    private static void validate(Condition c, String at, ConfigErrors errors) {
        if (c == null) {
            errors.add(at, "empty condition");
            return;
        }
        try {
            JsonPath.parse(c.path());
        } catch (IllegalArgumentException e) {
            errors.add(at + ".path", e.getMessage());
        }
        if (c.equals() == null && c.in() == null && c.regex() == null && c.min() == null && c.max() == null
                && c.emailDomainIn() == null) {
            errors.add(at, "needs at least one of equals, in, regex, min, max, emailDomainIn");
        }
        if (c.regex() != null) {
            try {
                java.util.regex.Pattern.compile(c.regex());
            } catch (PatternSyntaxException e) {
                errors.add(at + ".regex", "invalid regular expression: " + e.getDescription());
            }
        }
        if (c.min() != null && c.max() != null && c.min().compareTo(c.max()) > 0) {
            errors.add(at, "min is greater than max");
        }
        if (c.in() != null && c.in().isEmpty()) {
            errors.add(at + ".in", "needs at least one value");
        }
        if (c.emailDomainIn() != null && c.emailDomainIn().isEmpty()) {
            errors.add(at + ".emailDomainIn", "needs at least one domain");
        }
    }
}
