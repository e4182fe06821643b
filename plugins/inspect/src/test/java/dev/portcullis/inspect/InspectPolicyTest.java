package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The mail-API story and the body handling of the policy, through the SPI. */
class InspectPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String MAIL_RULES = """
            rules:
              - name: external-mail-with-pii
                when:
                  - field: $.to[*]
                    emailDomainNotIn: [example.com]
                  - field: $.body
                    anyDetector: [email, phone, payment-card, iban, us-ssn]
              - name: no-secrets
                when: [ { detector: [secret] } ]
                action: redact
            """;

    static final String CUSTOMER_RECORD = "Customer: Jane Roe, jane.roe@mail.test, +1 415 555 2671, "
            + "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00";

    static String mail(String to, String body) {
        return "{\"to\": [\"" + to + "\"], \"subject\": \"Customer export\", \"body\": \"" + body + "\"}";
    }

    private final TestPluginContext context = new TestPluginContext();

    private InspectPolicy policy(String head) {
        return Configs.policy(head + MAIL_RULES, context);
    }

    private double matches(String rule, String action, boolean shadow) {
        var counter = context.meters().find(InspectPolicy.MATCHES)
                .tags("rule", rule, "action", action, "shadow", Boolean.toString(shadow)).counter();
        return counter == null ? -1 : counter.count();
    }

    private double skipped(String phase, String reason) {
        return context.meters().get(InspectPolicy.SKIPPED).tags("phase", phase, "reason", reason).counter().count();
    }

    /** A POST to the mail API's route, as the client sent it. */
    private static TestExchange post(String contentType, Body body) {
        TestRequest.Builder request = TestRequest.post("/send").body(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request.exchange().route("mail");
    }

    private static TestExchange postJson(String json) {
        return post("application/json", Body.of(json));
    }

    private static String forwarded(TestExchange ex) {
        return ex.request().body().text(1 << 20);
    }

    @Test
    void externalRecipientWithCustomerRecordIsBlockedNamingTheRule() {
        TestExchange ex = postJson(mail("attacker@evil.test", CUSTOMER_RECORD));

        Verdict verdict = policy("action: block\n").onRequest(ex);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Reject.class, r -> {
            assertThat(r.failure().status()).isEqualTo(403);
            assertThat(r.failure().code()).isEqualTo("content-blocked");
            assertThat(r.failure().detail())
                    .startsWith("rule 'external-mail-with-pii' matched: $.to[*] has domain evil.test, not in [example.com]; ")
                    .contains("$.body contains email, phone, payment-card, iban")
                    .doesNotContain("4111", "jane.roe", "DE89");
        });
        assertThat(matches("external-mail-with-pii", "block", false)).isEqualTo(1);
    }

    @Test
    void internalRecipientsPass() {
        InspectPolicy policy = policy("");
        for (String to : new String[] {"colleague@example.com", "Ops Team <ops@EU.Example.com>"}) {
            String json = mail(to, CUSTOMER_RECORD);
            TestExchange ex = postJson(json);
            assertThat(policy.onRequest(ex)).as(to).isEqualTo(Verdict.proceed());
            assertThat(forwarded(ex)).isEqualTo(json);
        }
        assertThat(matches("external-mail-with-pii", "block", false)).isZero();
    }

    @Test
    void externalMailWithoutPiiPasses() {
        TestExchange ex = postJson(mail("partner@evil.test", "See you on 2024-01-15 about order 4155552671."));
        assertThat(policy("").onRequest(ex)).isEqualTo(Verdict.proceed());
    }

    @Test
    void aRecipientThatIsNotAnAddressCountsAsExternal() {
        TestExchange ex = postJson(mail("attacker at evil dot test", CUSTOMER_RECORD));
        assertThat(policy("").onRequest(ex)).isInstanceOfSatisfying(Verdict.Reject.class,
                r -> assertThat(r.failure().detail()).contains("$.to[*] holds a value that is not an e-mail address"));
    }

    @Test
    void redactModeMasksThePiiInTheForwardedJson() throws Exception {
        TestExchange ex = postJson(mail("attacker@evil.test", CUSTOMER_RECORD));

        Verdict verdict = policy("action: redact\nmask: { keepLast: { payment-card: 4 } }\n").onRequest(ex);

        assertThat(verdict).isEqualTo(Verdict.proceed());
        JsonNode sent = JSON.readTree(forwarded(ex));
        assertThat(sent.get("to").get(0).asText()).isEqualTo("attacker@evil.test");
        assertThat(sent.get("subject").asText()).isEqualTo("Customer export");
        assertThat(sent.get("body").asText()).isEqualTo("Customer: Jane Roe, [REDACTED:email], [REDACTED:phone], "
                + "card **** **** **** 1111, IBAN [REDACTED:iban]");
        assertThat(matches("external-mail-with-pii", "redact", false)).isEqualTo(1);
    }

    @Test
    void logModePassesUnchangedButCounts() {
        String json = mail("attacker@evil.test", CUSTOMER_RECORD);
        TestExchange ex = postJson(json);

        assertThat(policy("action: log\n").onRequest(ex)).isEqualTo(Verdict.proceed());

        assertThat(forwarded(ex)).isEqualTo(json);
        assertThat(matches("external-mail-with-pii", "log", true)).isEqualTo(1);
    }

    @Test
    void secretsAreRedactedByTheirOwnRuleWhileTheMailPasses() throws Exception {
        String json = "{\"to\": [\"a@example.com\"], \"body\": \"key sk-proj-Abc123def456ghi789jkl0 ok\", "
                + "\"meta\": {\"client_secret\": \"q8Zr2LmX9vTf4WpK7nHc\"}}";
        TestExchange ex = postJson(json);

        assertThat(policy("").onRequest(ex)).isEqualTo(Verdict.proceed());

        JsonNode sent = JSON.readTree(forwarded(ex));
        assertThat(sent.get("body").asText()).isEqualTo("key [REDACTED:secret] ok");
        assertThat(sent.at("/meta/client_secret").asText()).isEqualTo("[REDACTED:secret]");
        assertThat(matches("no-secrets", "redact", false)).isEqualTo(1);
    }

    @Test
    void formBodiesAreDecodedAndRedactedInPlace() {
        TestExchange ex = post("application/x-www-form-urlencoded",
                Body.of("to=attacker%40evil.test&body=card+4111111111111111&token=ghp_abcdefghijklmnopqrstuvwxyz0123456789"));
        InspectPolicy policy = Configs.policy("""
                rules:
                  - name: external-mail-with-pii
                    when:
                      - { field: to, emailDomainNotIn: [example.com] }
                      - { field: body, detector: payment-card }
                    action: redact
                  - name: no-secrets
                    when: [ { detector: secret } ]
                    action: redact
                """, context);

        assertThat(policy.onRequest(ex)).isEqualTo(Verdict.proceed());

        assertThat(forwarded(ex)).isEqualTo(
                "to=attacker%40evil.test&body=card+%5BREDACTED%3Apayment-card%5D&token=%5BREDACTED%3Asecret%5D");
    }

    @Test
    void binaryAndUnlistedBodiesAreSkippedUntouched() {
        InspectPolicy policy = policy("");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, '4', '1', '1', '1'};
        TestExchange image = post("image/png", Body.of(png));
        assertThat(policy.onRequest(image)).isEqualTo(Verdict.proceed());
        assertThat(image.request().body().bytes(100)).isEqualTo(png);
        assertThat(skipped("request", "content-type")).isEqualTo(1);

        byte[] lying = ("attacker@evil.test\0" + CUSTOMER_RECORD).getBytes(StandardCharsets.UTF_8);
        TestExchange text = post("text/plain", Body.of(lying));
        assertThat(policy.onRequest(text)).isEqualTo(Verdict.proceed());
        assertThat(skipped("request", "binary")).isEqualTo(1);
    }

    @Test
    void oversizedBodiesAreSkippedAndStillFlowWhole() {
        InspectPolicy policy = policy("maxBody: 1KiB\n");
        String big = mail("attacker@evil.test", CUSTOMER_RECORD + " ".repeat(2000));
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);

        TestExchange known = post("application/json", Body.of(new ByteArrayInputStream(bytes), bytes.length));
        assertThat(policy.onRequest(known)).isEqualTo(Verdict.proceed());
        assertThat(forwarded(known)).isEqualTo(big);

        CountingStream chunked = new CountingStream(bytes);
        TestExchange unknown = post("application/json", Body.of(chunked, -1));
        assertThat(policy.onRequest(unknown)).isEqualTo(Verdict.proceed());
        assertThat(chunked.read).as("read at most maxBody + 1 bytes").isEqualTo(1025);
        assertThat(forwarded(unknown)).isEqualTo(big);

        assertThat(skipped("request", "too-large")).isEqualTo(2);
    }

    @Test
    void oversizedBodiesCanBeRefused() {
        InspectPolicy policy = policy("maxBody: 1KiB\nonUninspectable: block\n");
        byte[] bytes = ("{\"pad\": \"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        TestExchange ex = post("application/json", Body.of(new ByteArrayInputStream(bytes), -1));
        assertThat(policy.onRequest(ex)).isInstanceOfSatisfying(Verdict.Reject.class, r -> {
            assertThat(r.failure().status()).isEqualTo(413);
            assertThat(r.failure().code()).isEqualTo("content-uninspectable");
        });
    }

    @Test
    void contentEncodedBodiesAreNotMistakenForClean() {
        TestExchange ex = postJson(mail("attacker@evil.test", CUSTOMER_RECORD));
        ex.request().headers().add("Content-Encoding", "gzip");
        assertThat(policy("onUninspectable: block\n").onRequest(ex)).isInstanceOfSatisfying(Verdict.Reject.class,
                r -> assertThat(r.failure().status()).isEqualTo(415));
    }

    @Test
    void aBodyWithoutContentTypeIsStillInspected() {
        TestExchange ex = post(null, Body.of(mail("attacker@evil.test", CUSTOMER_RECORD)));
        assertThat(policy("").onRequest(ex)).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void responsePhaseRedactsTheUpstreamBody() throws Exception {
        InspectPolicy policy = Configs.policy("""
                phase: response
                action: redact
                rules:
                  - name: no-cards-out
                    when: [ { detector: [payment-card, us-ssn] } ]
                """, context);
        String upstream = "{\"customer\": {\"name\": \"Jane\", \"card\": \"4111-1111-1111-1111\", \"ssn\": \"536-22-1234\"}}";
        TestExchange ex = postJson("{}").response(Response.json(200, upstream));

        assertThat(policy.onRequest(ex)).isEqualTo(Verdict.proceed());
        assertThat(policy.onResponse(ex)).isEqualTo(Verdict.proceed());

        JsonNode sent = JSON.readTree(ex.response().body().text(1 << 20));
        assertThat(sent.at("/customer/name").asText()).isEqualTo("Jane");
        assertThat(sent.at("/customer/card").asText()).isEqualTo("[REDACTED:payment-card]");
        assertThat(sent.at("/customer/ssn").asText()).isEqualTo("[REDACTED:us-ssn]");
    }

    @Test
    void eventStreamResponsesAreSkipped() {
        InspectPolicy policy = Configs.policy("""
                phase: both
                rules: [ { name: cards, when: [ { detector: payment-card } ] } ]
                """, context);
        String events = "data: 4111 1111 1111 1111\n\n";
        TestExchange ex = postJson("{}")
                .response(new Response(200, Headers.of("Content-Type", "text/event-stream"), Body.of(events)));
        assertThat(policy.onResponse(ex)).isEqualTo(Verdict.proceed());
        assertThat(ex.response().body().text(1000)).isEqualTo(events);
        assertThat(skipped("response", "event-stream")).isEqualTo(1);
    }

    @Test
    void conditionsCombineWithAnyAndNot() {
        InspectPolicy policy = Configs.policy("""
                rules:
                  - name: pii-to-non-partner
                    when:
                      - not: { field: '$.to[*]', emailDomainIn: [partner.test], subdomains: false }
                      - any:
                          - { field: $.body, detector: iban }
                          - { field: $.subject, contains: EXPORT, ignoreCase: true }
                """, context);
        assertThat(policy.onRequest(postJson(mail("x@partner.test", CUSTOMER_RECORD))))
                .isEqualTo(Verdict.proceed());
        assertThat(policy.onRequest(postJson(mail("x@eu.partner.test", CUSTOMER_RECORD))))
                .isInstanceOfSatisfying(Verdict.Reject.class, r -> assertThat(r.failure().detail()).isEqualTo(
                        "rule 'pii-to-non-partner' matched: not ($.to[*] has a domain in [partner.test]); "
                                + "$.body contains iban; $.subject contains 'EXPORT'"));
        assertThat(policy.onRequest(postJson(mail("x@evil.test", "hello"))))
                .as("subject 'Customer export' alone").isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void customDetectorsAndRegexConditions() {
        InspectPolicy policy = Configs.policy("""
                detectors: { employee-id: 'EMP-[0-9]{6}' }
                rules:
                  - { name: staff-ids, when: [ { field: $..note, detector: employee-id } ] }
                  - { name: codename, when: [ { regex: '(?i)project\\s+falcon' } ], action: redact }
                """, context);
        assertThat(policy.onRequest(postJson("{\"items\": [{\"note\": \"for EMP-123456\"}]}")))
                .isInstanceOfSatisfying(Verdict.Reject.class,
                        r -> assertThat(r.failure().detail()).isEqualTo("rule 'staff-ids' matched: $..note contains employee-id"));
        TestExchange ex = post("text/plain; charset=utf-8", Body.of("about Project  Falcon, EMP-1"));
        assertThat(policy.onRequest(ex)).isEqualTo(Verdict.proceed());
        assertThat(forwarded(ex)).isEqualTo("about [REDACTED:match], EMP-1");
    }

    /** A stream that counts how many bytes were taken from it. */
    static final class CountingStream extends ByteArrayInputStream {
        int read;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int c = super.read();
            read += c < 0 ? 0 : 1;
            return c;
        }
    }
}
