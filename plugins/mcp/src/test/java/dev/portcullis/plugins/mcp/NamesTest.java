package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {

    static final Set<String> SERVERS = Set.of("crm", "mail-eu");

    @Test
    void plainNamesArePrefixedAndSplitBackAtTheFirstUnderscore() {
        Names names = new Names();
        String pub = names.publicName("mail-eu", "send_email");
        assertThat(pub).isEqualTo("mail-eu_send_email");
        assertThat(names.resolve(pub, SERVERS::contains)).isEqualTo(new Names.Target("mail-eu", "send_email"));
        assertThat(names.resolve("other_send_email", SERVERS::contains)).isNull();
        assertThat(names.resolve("crm_", SERVERS::contains)).isNull();
        assertThat(names.resolve("nounderscore", SERVERS::contains)).isNull();
    }

    @Test
    void longOrForeignNamesStayWithinThePatternAndMapBack() {
        Names names = new Names();
        String longName = "a".repeat(70);
        String dotted = "files.read v2";
        String pubLong = names.publicName("crm", longName);
        String pubDotted = names.publicName("crm", dotted);
        assertThat(pubLong).matches("[a-zA-Z0-9_-]{1,64}").startsWith("crm_");
        assertThat(pubDotted).matches("[a-zA-Z0-9_-]{1,64}").startsWith("crm_files-read-v2-");
        assertThat(names.publicName("crm", "a".repeat(71))).isNotEqualTo(pubLong);
        assertThat(names.resolve(pubLong, SERVERS::contains)).isEqualTo(new Names.Target("crm", longName));
        assertThat(names.resolve(pubDotted, SERVERS::contains)).isEqualTo(new Names.Target("crm", dotted));
    }
}
