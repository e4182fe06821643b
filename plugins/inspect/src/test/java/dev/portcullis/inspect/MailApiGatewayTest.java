package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design story end to end: a hijacked agent POSTs a customer record to a mail API through the
 * gateway, over real HTTP, to a real upstream that records what it received.
 */
class MailApiGatewayTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestUpstream mailApi;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        mailApi = TestUpstream.start().respond("/send", 202, "application/json", "{\"queued\": true}");
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, watchConfig: false }
                policies:
                  mail-dlp:
                    type: inspect
                    action: block
                    rules:
                      - name: external-mail-with-pii
                        when:
                          - field: $.to[*]
                            emailDomainNotIn: [example.com]
                          - field: $.body
                            anyDetector: [email, phone, payment-card, iban, us-ssn]
                routes:
                  - name: mail
                    match: { pathPrefix: /mail }
                    policies: [ mail-dlp ]
                    backend: { type: http, stripPrefix: /mail, targets: [ { url: "%1$s" } ] }
                  - name: mail-redacted
                    match: { pathPrefix: /redacted }
                    policies:
                      - type: inspect
                        action: redact
                        mask: { keepLast: { payment-card: 4 } }
                        rules: [ { name: pii, when: [ { field: $.body, detector: [email, payment-card] } ] } ]
                    backend: { type: http, stripPrefix: /redacted, targets: [ { url: "%1$s" } ] }
                """.formatted(mailApi.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        mailApi.close();
    }

    private static HttpResponse<String> post(URI uri, String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void externalRecipientWithCustomerRecordIsRefusedBeforeTheMailApi() throws Exception {
        int before = mailApi.received().size();

        HttpResponse<String> r = post(gateway.uri("/mail/send"),
                InspectPolicyTest.mail("attacker@evil.test", InspectPolicyTest.CUSTOMER_RECORD));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:portcullis:problem:content-blocked");
        assertThat(problem.get("detail").asText()).startsWith(
                "rule 'external-mail-with-pii' matched: $.to[*] has domain evil.test, not in [example.com]; $.body contains");
        assertThat(r.body()).doesNotContain("4111", "jane.roe");
        assertThat(mailApi.received()).hasSize(before);

        String metrics = CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("portcullis_inspect_matches_total\\{[^}]*rule=\"external-mail-with-pii\"[^}]*} 1\\.0");
    }

    @Test
    void internalRecipientReachesTheMailApiUnchanged() throws Exception {
        String json = InspectPolicyTest.mail("colleague@example.com", InspectPolicyTest.CUSTOMER_RECORD);

        HttpResponse<String> r = post(gateway.uri("/mail/send"), json);

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(mailApi.last().rawPath()).isEqualTo("/send");
        assertThat(mailApi.last().bodyText()).isEqualTo(json);
    }

    @Test
    void redactRouteForwardsTheMaskedRecord() throws Exception {
        HttpResponse<String> r = post(gateway.uri("/redacted/send"),
                InspectPolicyTest.mail("attacker@evil.test", InspectPolicyTest.CUSTOMER_RECORD));

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode sent = JSON.readTree(mailApi.last().body());
        assertThat(sent.get("body").asText())
                .contains("[REDACTED:email]", "card **** **** **** 1111", "+1 415 555 2671")
                .doesNotContain("jane.roe", "4111 1111");
        assertThat(mailApi.last().header("Content-Length")).isEqualTo(Integer.toString(mailApi.last().body().length));
    }

    @Test
    void aBrokenPathIsRefusedAtStartWithItsLocation() {
        assertThatThrownBy(() -> TestGateway.start("""
                policies:
                  dlp: { type: inspect, rules: [ { name: x, when: [ { field: '$.to[*', detector: email } ] } ] }
                routes:
                  - { name: r, match: { pathPrefix: /r }, policies: [ dlp ], backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] } }
                """))
                .isInstanceOfSatisfying(ConfigInvalidException.class, e -> assertThat(e.lines()).anySatisfy(l -> assertThat(l)
                        .isEqualTo("policies.dlp.rules[0].when[0].field: not a JSON path: '$.to[*' (expected ']' at 6)")));
    }
}
