package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bodies built to break a JSON inspector: nesting far beyond Jackson's 1,000 levels, invalid
 * UTF-8. The policy must not fail (no StackOverflowError, no 500), and it fails closed: a body
 * declared as JSON that it cannot read is refused with 400, since read as text it would slip past
 * every field rule while the backend might still read it as JSON.
 */
class InspectHostileInputTest {

    private final TestPluginContext context = new TestPluginContext();

    private InspectPolicy policy() {
        return Configs.policy("action: block\n" + InspectPolicyTest.MAIL_RULES, context);
    }

    private static TestExchange postJson(byte[] json) {
        return TestRequest.post("/send").header("Content-Type", "application/json").body(Body.of(json)).exchange().route("mail");
    }

    @Test
    void aSecretInsideJsonTooDeepToParseIsStillFoundAndTheOtherRulesDoNotCrash() {
        int depth = 100_000;
        String secret = "AKIAIOSFODNN7EXAMPLE";
        String nested = "[".repeat(depth) + "{\"note\":\"key " + secret + "\"}" + "]".repeat(depth);
        TestExchange ex = postJson(nested.getBytes(StandardCharsets.UTF_8));

        Verdict verdict = policy().onRequest(ex);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Reject.class, r -> {
            assertThat(r.failure().status()).isEqualTo(400);
            assertThat(r.failure().code()).isEqualTo("body-unreadable");
            assertThat(r.failure().detail()).contains("nesting deeper than 1,000 levels").doesNotContain(secret);
        });
    }

    @Test
    void aCustomerRecordInsideJsonTooDeepToParseIsStillSeenByDetectors() {
        int depth = 5_000;
        String inner = InspectPolicyTest.mail("attacker@evil.test", InspectPolicyTest.CUSTOMER_RECORD);
        byte[] body = ("[".repeat(depth) + inner + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        InspectPolicy policy = Configs.policy("""
                action: block
                rules:
                  - name: pii-anywhere
                    when: [ { anyDetector: [payment-card, iban] } ]
                """, context);

        assertThat(policy.onRequest(postJson(body))).isInstanceOfSatisfying(Verdict.Reject.class,
                r -> assertThat(r.failure().status()).isEqualTo(400));
    }

    @Test
    void invalidUtf8InAJsonBodyIsInspectedWithoutFailing() {
        byte[] prefix = "{\"to\":[\"a@evil.test\"],\"body\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] card = " card 4111 1111 1111 1111 \"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + card.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = 0x28;
        System.arraycopy(card, 0, body, prefix.length + 2, card.length);

        InspectPolicy policy = Configs.policy("""
                action: block
                rules:
                  - name: pii-anywhere
                    when: [ { anyDetector: [payment-card] } ]
                """, context);

        // not JSON to Jackson: refused, and the card number is not echoed
        assertThat(policy.onRequest(postJson(body))).isInstanceOfSatisfying(Verdict.Reject.class, r -> {
            assertThat(r.failure().status()).isEqualTo(400);
            assertThat(r.failure().detail()).doesNotContain("4111");
        });
    }
}
