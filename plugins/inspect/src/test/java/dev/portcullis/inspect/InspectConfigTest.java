package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InspectConfigTest {

    @Test
    void theDesignExampleBindsWithItsDefaults() {
        InspectConfig config = Configs.bind("""
                phase: request
                maxBody: 1MiB
                contentTypes: [application/json, application/x-www-form-urlencoded, text/*]
                action: block
                rules:
                  - name: external-mail-with-pii
                    when:
                      - field: $.to[*]
                        emailDomainNotIn: [example.com]
                      - anyDetector: [email, phone, payment-card, iban, us-ssn]
                    action: block
                  - name: no-secrets
                    when: [ { detector: [secret] } ]
                    action: redact
                """);
        assertThat(Configs.errors(config)).isEmpty();
        assertThat(config.maxBody().bytes()).isEqualTo(1 << 20);
        assertThat(config.minConfidence()).isEqualTo(0.5);
        assertThat(config.onUninspectable()).isEqualTo(InspectConfig.Uninspectable.PASS);
        assertThat(config.rules().get(1).action()).isEqualTo(InspectConfig.Action.REDACT);
        assertThat(config.mask().template()).isEqualTo("[REDACTED:{kind}]");
    }

    @Test
    void unknownKeysAndValuesAreRefusedByBinding() {
        assertThatThrownBy(() -> Configs.bind("rules: []\nmaxbody: 1KiB\n")).hasMessageContaining("maxbody");
        assertThatThrownBy(() -> Configs.bind("action: drop\nrules: []\n")).hasMessageContaining("drop");
        assertThatThrownBy(() -> Configs.bind("rules: [ { name: x, when: [ { detecter: [email] } ] } ]"))
                .hasMessageContaining("detecter");
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        InspectConfig config = Configs.bind("""
                maxBody: 0
                contentTypes: [json]
                minConfidence: 2
                detectors: { email: 'x', badre: '(' }
                mask: { keepLast: { nosuch: 4 } }
                rules:
                  - name: a
                    when:
                      - { field: '$.to', emailDomainNotIn: [example.com] }
                      - { field: '$.to[*', anyDetector: [email] }
                      - { detector: [mail], regex: 'x' }
                      - { detector: [] }
                      - { emailDomainIn: ['@example.com'] }
                      - { any: [ { regex: '[' } ] }
                      - { not: { field: '$.x', any: [ { contains: '' } ] } }
                      - {}
                  - name: a
                    when: []
                """);
        assertThat(Configs.errors(config)).containsExactlyInAnyOrder(
                "maxBody: must be between 1 byte and 2GiB",
                "contentTypes[0]: not a media type pattern: 'json' (e.g. application/json, text/*)",
                "minConfidence: must be between 0 and 1",
                "detectors.email: 'email' is a built-in detector; choose another name",
                "detectors.badre: not a regular expression: Unclosed group near index 1",
                "mask.keepLast.nosuch: unknown detector 'nosuch' (known: badre, email, iban, ipv4, ipv6, payment-card, phone, secret, us-ssn)",
                "rules[0].when[1].field: not a JSON path: '$.to[*' (expected ']' at 6)",
                "rules[0].when[2]: one test per condition, found detector and regex: list them as separate conditions",
                "rules[0].when[3].detector: must name at least one detector",
                "rules[0].when[4].field: is required with emailDomainIn: the values that are addresses, e.g. $.to[*]",
                "rules[0].when[4].emailDomainIn[0]: not a domain: '@example.com' (e.g. example.com)",
                "rules[0].when[5].any[0].regex: not a regular expression: Unclosed character class near index 0",
                "rules[0].when[6].not.field: applies to tests, not to any: put it on the conditions inside",
                "rules[0].when[6].not.any[0].contains: must not be empty",
                "rules[0].when[7]: no test: set one of detector, anyDetector, regex, contains, emailDomainIn, "
                        + "emailDomainNotIn, equals, in, any, all, not",
                "rules[1].name: duplicate rule name 'a'",
                "rules[1].when: at least one condition is required");
    }

    @Test
    void anUnknownDetectorNamesTheKnownOnes() {
        InspectConfig config = Configs.bind("rules: [ { name: x, when: [ { detector: [credit-card] } ] } ]");
        assertThat(Configs.errors(config)).containsExactly("rules[0].when[0].detector: unknown detector 'credit-card' "
                + "(known: email, iban, ipv4, ipv6, payment-card, phone, secret, us-ssn)");
    }

    @Test
    void noRulesIsAnError() {
        assertThat(Configs.errors(Configs.bind("action: log\n"))).containsExactly("rules: at least one rule is required");
    }
}
