package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.ConfigErrors;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of mcp-tbac rules that need no gateway: JSON paths, conditions, config validation. */
class TbacRulesTest {

    @Test
    void jsonPathsSelectEveryValueTheyReach() {
        Map<String, Object> args = Map.of("to", List.of("a@x", "b@y"), "meta", Map.of("cc", List.of(Map.of("addr", "c@z"))));
        assertThat(JsonPath.parse("$.to[*]").select(args)).containsExactly("a@x", "b@y");
        assertThat(JsonPath.parse("$.to[1]").select(args)).containsExactly("b@y");
        assertThat(JsonPath.parse("$['meta'].cc[*].addr").select(args)).containsExactly("c@z");
        assertThat(JsonPath.parse("$.nope").select(args)).isEmpty();
        assertThatThrownBy(() -> JsonPath.parse("to")).hasMessageContaining("starts with $");
        assertThatThrownBy(() -> JsonPath.parse("$.to[x]")).hasMessageContaining("expected an index");
    }

    @Test
    void equalsAndInCompareScalarsAndNumbersByValue() {
        ArgumentCondition eq = new ArgumentCondition(new TbacConfig.Condition("$.mode", "read", null, null, null, null, null));
        assertThat(eq.check(Map.of("mode", "read"))).isNull();
        assertThat(eq.check(Map.of("mode", "write")).got()).isEqualTo("write");
        ArgumentCondition in = new ArgumentCondition(new TbacConfig.Condition("$.n", null, List.of(1, 2), null, null, null, null));
        assertThat(in.check(Map.of("n", 2L))).isNull();
        assertThat(in.check(Map.of("n", new BigDecimal("2.0")))).isNull();
        assertThat(in.check(Map.of("n", 3L)).requirement()).isEqualTo("requires every $.n in [1, 2]");
        ArgumentCondition mail = new ArgumentCondition(new TbacConfig.Condition("$.to", null, null, null, null, null, List.of("Example.com")));
        assertThat(mail.check(Map.of("to", "Ann <ann@EXAMPLE.com>"))).isNull();
        assertThat(mail.check(Map.of("to", "ann@example.com.evil.test")).got()).isEqualTo("example.com.evil.test");
        assertThat(mail.check(Map.of("to", 42)).got()).isEqualTo("not an e-mail address");
    }

    @Test
    void configErrorsNameTheirPath() {
        TbacConfig config = new TbacConfig(null, null, "loud", null, Map.of("t", new TbacConfig.Task(null, List.of(
                new TbacConfig.CallRule(null, List.of(new TbacConfig.Condition("x", null, null, "(", BigDecimal.TEN, BigDecimal.ONE, null)),
                        new TbacConfig.Quota(0, Duration.ZERO))), null, null)), null);
        List<String> errors = new ArrayList<>();
        config.validate(new Errors(errors));
        assertThat(errors).contains("mode: expected enforce or shadow",
                "tasks.t.call[0].tool: required: a glob over federated tool names",
                "tasks.t.call[0].quota.limit: must be at least 1",
                "tasks.t.call[0].quota.per: required: a positive duration, e.g. 1h",
                "tasks.t.call[0].when[0].path: a JSON path starts with $",
                "tasks.t.call[0].when[0]: min is greater than max");
        assertThat(errors).anyMatch(e -> e.startsWith("tasks.t.call[0].when[0].regex: invalid regular expression"));
    }

    @Test
    void globsMatchWholeNames() {
        Globs g = Globs.of(List.of("crm_*", "mail_send_?mail"));
        assertThat(g.matches("crm_read")).isTrue();
        assertThat(g.matches("xcrm_read")).isFalse();
        assertThat(g.matches("mail_send_email")).isTrue();
        assertThat(g.matches("mail_send_email2")).isFalse();
        assertThat(Globs.of(List.of()).matches("anything")).isFalse();
    }

    private record Errors(List<String> out) implements ConfigErrors {
        @Override
        public void add(String path, String message) {
            out.add(path + ": " + message);
        }

        @Override
        public ConfigErrors at(String path) {
            throw new UnsupportedOperationException();
        }
    }
}
