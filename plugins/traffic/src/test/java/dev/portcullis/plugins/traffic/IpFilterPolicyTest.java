package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestRequest;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpFilterPolicyTest {

    private static Verdict check(Policy policy, String clientIp) {
        TestExchange exchange = TestRequest.get("/").clientIp(clientIp).exchange();
        return policy.onRequest(exchange);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "::1", "1::", "2001:db8::8a2e:370:7334",
            "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1:2:3:4:5", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.128",
            "64:ff9b::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "FE80::ABCD"})
    void parsesLiteralsToTheSameBytesAsTheJdk(String literal) throws Exception {
        // getByName does no lookup for literals; it is the reference here, not used in the policy.
        byte[] expected = InetAddress.getByName(literal).getAddress();
        assertThat(IpAddresses.unmapped(IpAddresses.parse(literal))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", ":::", "1:::2",
            "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1.2.3", "1.2.3.4::", ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:", "localhost"})
    void refusesWhatIsNotALiteral(String text) {
        assertThat(IpAddresses.parse(text)).as(text).isNull();
    }

    @Test
    void cidrContainsExactlyItsNetwork() {
        Cidr v4 = Cidr.parse("10.32.0.0/11");
        assertThat(v4.contains(IpAddresses.parse("10.32.0.0"))).isTrue();
        assertThat(v4.contains(IpAddresses.parse("10.63.255.255"))).isTrue();
        assertThat(v4.contains(IpAddresses.parse("10.64.0.0"))).isFalse();
        assertThat(v4.contains(IpAddresses.parse("10.31.255.255"))).isFalse();
        assertThat(v4.contains(IpAddresses.parse("::a20:1"))).isFalse(); // families never mix

        Cidr v6 = Cidr.parse("2001:db8:8000::/33");
        assertThat(v6.contains(IpAddresses.parse("2001:db8:ffff::1"))).isTrue();
        assertThat(v6.contains(IpAddresses.parse("2001:db8:7fff::1"))).isFalse();

        assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddresses.parse("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(IpAddresses.parse("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(IpAddresses.parse("192.0.2.6"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8")).hasMessage("host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8?)");
    }

    @Test
    void denyWinsAndANonEmptyAllowListAdmitsOnlyItsNetworks() {
        Policy policy = new IpFilterPolicyFactory().create(
                new IpFilterConfig(List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.9.0.0/16")), null);

        assertThat(check(policy, "10.1.2.3")).isEqualTo(Verdict.proceed());
        assertThat(check(policy, "2001:db8::42")).isEqualTo(Verdict.proceed());
        assertThat(check(policy, "::ffff:10.1.2.3")).isEqualTo(Verdict.proceed()); // IPv4-mapped

        Verdict.Reject denied = (Verdict.Reject) check(policy, "10.9.1.1");
        assertThat(denied.failure().status()).isEqualTo(403);
        assertThat(denied.failure().code()).isEqualTo("ip-denied");
        assertThat(denied.failure().detail()).isEqualTo("client address 10.9.1.1 is denied");

        Verdict.Reject outside = (Verdict.Reject) check(policy, "192.168.1.1");
        assertThat(outside.failure().detail()).isEqualTo("client address 192.168.1.1 is not in the allowed networks");
        assertThat(check(policy, "2001:db9::1")).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void denyOnlyAdmitsEveryoneElseAndUnreadableAddressesAreRefused() {
        Policy policy = new IpFilterPolicyFactory().create(new IpFilterConfig(null, List.of("::1", "127.0.0.0/8")), null);

        assertThat(check(policy, "192.0.2.1")).isEqualTo(Verdict.proceed());
        assertThat(check(policy, "::2")).isEqualTo(Verdict.proceed());
        assertThat(check(policy, "127.0.0.1")).isInstanceOf(Verdict.Reject.class);
        assertThat(check(policy, "[::1]")).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) check(policy, "unknown")).failure().detail())
                .isEqualTo("client address 'unknown' could not be read");
    }

    @Test
    void validationNamesTheOffendingEntry() {
        IpFilterConfig config = new IpFilterConfig(
                List.of("10.0.0.0/8", "fe80::/129", "1.2.3.4/"),
                List.of("192.168.0.0/16", "10.0.0.0/33", "example.com", "10.0.0.1/8"));

        assertThat(CollectingConfigErrors.of(config)).containsExactly(
                "allow[1]: not a CIDR: 'fe80::/129'",
                "allow[2]: not a CIDR: '1.2.3.4/'",
                "deny[1]: not a CIDR: '10.0.0.0/33'",
                "deny[2]: not a CIDR: 'example.com'",
                "deny[3]: host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8?)");
        assertThat(CollectingConfigErrors.of(new IpFilterConfig(List.of(), null))).containsExactly(": give allow, deny or both");
    }
}
