package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DetectorsTest {

    private static List<String> found(Detector detector, String text) {
        List<Span> spans = new ArrayList<>();
        detector.scan(text, spans);
        spans.forEach(s -> assertThat(s.kind()).isEqualTo(detector.name()));
        return spans.stream().map(s -> text.substring(s.start(), s.end())).toList();
    }

    @Test
    void email() {
        Detector d = new EmailDetector();
        assertThat(found(d, "write to Jane.Doe+crm@mail.example.co.uk, or <ops@evil.test>."))
                .containsExactly("Jane.Doe+crm@mail.example.co.uk", "ops@evil.test");
        assertThat(found(d, "@handle, user@localhost, a@b.c1, x@-bad.com, me@ex..com, .@x.com")).isEmpty();
    }

    @Test
    void paymentCardNeedsLuhnAndAnIssuer() {
        Detector d = new PaymentCardDetector();
        assertThat(found(d, "card 4111 1111 1111 1111 exp 12/29")).containsExactly("4111 1111 1111 1111");
        assertThat(found(d, "4111-1111-1111-1111; amex 3782 822463 10005; mc 5555555555554444"))
                .containsExactly("4111-1111-1111-1111", "3782 822463 10005", "5555555555554444");
        assertThat(found(d, "card 4111 1111 1111 1112")).as("Luhn-invalid").isEmpty();
        assertThat(found(d, "order 1234567812345670")).as("Luhn-valid but no issuer starts with 1").isEmpty();
        assertThat(found(d, "4111 1111-1111 1111")).as("mixed separators").isEmpty();
        assertThat(found(d, "id A4111111111111111")).as("inside an identifier").isEmpty();
    }

    @Test
    void phone() {
        Detector d = new PhoneDetector();
        assertThat(found(d, "call +14155552671 or +44 20 7946 0958"))
                .containsExactly("+14155552671", "+44 20 7946 0958");
        assertThat(found(d, "(415) 555-2671, 415-555-2671 and 415.555.2671"))
                .containsExactly("(415) 555-2671", "415-555-2671", "415.555.2671");
        assertThat(found(d, "Berlin 030 1234567, mobile 06-12345678, intl 0049 30 1234567"))
                .containsExactly("030 1234567", "06-12345678", "0049 30 1234567");
        assertThat(found(d, "call 415-555-2671 2 times")).containsExactly("415-555-2671");
    }

    @Test
    void phoneLookAlikesAreNotPhones() {
        Detector d = new PhoneDetector();
        assertThat(found(d, "order 4155552671 shipped")).as("10-digit order id").isEmpty();
        assertThat(found(d, "on 2024-01-15 and 15.01.2024 at 10.0.0.1")).as("dates, IPs").isEmpty();
        assertThat(found(d, "total 1 000 000 units, pi 3.14159")).isEmpty();
        assertThat(found(d, "card 4111 1111 1111 1111")).isEmpty();
        assertThat(found(d, "SKU-030 1234567x")).isEmpty();
    }

    @Test
    void iban() {
        Detector d = new IbanDetector();
        assertThat(found(d, "IBAN DE89 3704 0044 0532 0130 00, also GB82WEST12345698765432."))
                .containsExactly("DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432");
        assertThat(found(d, "DE89 3704 0044 0532 0130 01")).as("bad checksum").isEmpty();
        assertThat(found(d, "DE89370400440532013000123")).as("wrong length for DE").isEmpty();
        assertThat(found(d, "ZZ89370400440532013000")).as("no such country").isEmpty();
    }

    @Test
    void usSsn() {
        Detector d = new UsSsnDetector();
        assertThat(found(d, "SSN 536-22-1234 or 536 22 1234")).containsExactly("536-22-1234", "536 22 1234");
        assertThat(found(d, "000-12-3456 666-12-3456 912-12-3456 536-00-1234 536-22-0000 078-05-1120"))
                .isEmpty();
        assertThat(found(d, "part 536-22-1234-7 and 536221234")).isEmpty();
    }

    @Test
    void ipAddresses() {
        assertThat(found(new Ipv4Detector(), "from 192.168.1.10, via 10.0.0.1:8080."))
                .containsExactly("192.168.1.10", "10.0.0.1");
        assertThat(found(new Ipv4Detector(), "v1.2.3.4 256.1.1.1 1.2.3.4.5 01.2.3.4")).isEmpty();
        assertThat(found(new Ipv6Detector(), "hosts 2001:db8::8a2e:370:7334, [::1] and ::ffff:192.0.2.1."))
                .containsExactly("2001:db8::8a2e:370:7334", "::1", "::ffff:192.0.2.1");
        assertThat(found(new Ipv6Detector(), "fe80:0:0:0:202:b3ff:fe1e:8329"))
                .containsExactly("fe80:0:0:0:202:b3ff:fe1e:8329");
        assertThat(found(new Ipv6Detector(), "at 10:30:45, mac 00:1a:2b:3c:4d:5e, std::vector, 1::2::3"))
                .isEmpty();
    }

    @Test
    void secrets() {
        Detector d = new SecretDetector();
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----";
        String text = "aws AKIAIOSFODNN7EXAMPLE gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
                + "slack xoxb-1234567890-abcdefghij openai sk-proj-Abc123def456ghi789jkl0 "
                + "anthropic sk-ant-api03-abcdefghij0123456789 jwt " + jwt + "\n" + pem + " tail";
        assertThat(found(d, text)).containsExactly(
                "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-1234567890-abcdefghij",
                "sk-proj-Abc123def456ghi789jkl0", "sk-ant-api03-abcdefghij0123456789", jwt, pem);
        assertThat(found(d, "export API_KEY=\"q8Zr2LmX9vTf4WpK7nHc\" and password: Xk29fLq83mZp"))
                .containsExactly("q8Zr2LmX9vTf4WpK7nHc", "Xk29fLq83mZp");
    }

    @Test
    void secretLookAlikes() {
        Detector d = new SecretDetector();
        assertThat(found(d, "AKIA1234 task-abcdefghijklmnopqrstuvwxyz sk-short risk-assessment-document-2024"))
                .isEmpty();
        assertThat(found(d, "token=aaaaaaaaaaaaaaaa api_key=changeme password: correcthorsebattery")).isEmpty();
        assertThat(found(d, "eyJhbGciOiJIUzI1NiJ9 alone")).isEmpty();
        List<Span> spans = new ArrayList<>();
        d.scanField("client_secret", "q8Zr2LmX9vTf4WpK7nHc", spans);
        assertThat(spans).singleElement().satisfies(s -> assertThat(s.length()).isEqualTo(20));
        spans.clear();
        d.scanField("description", "q8Zr2LmX9vTf4WpK7nHc", spans);
        assertThat(spans).isEmpty();
    }

    @Test
    void checksums() {
        assertThat(Checksums.luhn("79927398713", 0, 11)).isTrue();
        assertThat(Checksums.luhn("79927398710", 0, 11)).isFalse();
        assertThat(Checksums.ibanMod97("GB82WEST12345698765432", 0, 22)).isTrue();
        assertThat(Checksums.ibanMod97("GB82WEST12345698765433", 0, 22)).isFalse();
    }

    @Test
    void registryAndCustomRegexes() {
        DetectorRegistry registry = DetectorRegistry.withCustom(Map.of("employee-id", Pattern.compile("EMP-[0-9]{6}")));
        assertThat(registry.names()).contains("email", "phone", "payment-card", "iban", "us-ssn", "ipv4", "ipv6",
                "secret", "employee-id");
        assertThat(found(registry.find("employee-id").orElseThrow(), "by EMP-123456 and EMP-12"))
                .containsExactly("EMP-123456");
        assertThatThrownBy(() -> DetectorRegistry.withCustom(Map.of("email", Pattern.compile("x"))))
                .hasMessageContaining("built in");
    }

    @Test
    void catastrophicCustomRegexIsCutOff() {
        Detector d = new RegexDetector("evil", Pattern.compile("(.*a){12}b"), 0.8);
        String input = "a".repeat(26) + "c"; // seconds of backtracking without the budget
        assertThatThrownBy(() -> found(d, input)).isInstanceOf(BoundedCharSequence.BudgetExceededException.class);
    }
}
