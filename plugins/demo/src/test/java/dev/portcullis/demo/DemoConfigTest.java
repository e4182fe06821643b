package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestPluginContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoConfigTest {

    @Test
    void defaultsAreTheBundledDemoPorts() {
        assertThat(new DemoIssuerConfig(null, null, null, null, null, null).port()).isEqualTo(9002);
        assertThat(new DemoLlmConfig(null, null, null, null).port()).isEqualTo(9003);
        assertThat(new DemoCrmConfig(null, null).port()).isEqualTo(9004);
        assertThat(new DemoMailConfig(null, null, null).port()).isEqualTo(9005);
        DemoMcpConfig mcp = new DemoMcpConfig(null, null, null, "http://gw/api/mail/", null, null, null, null);
        assertThat(mcp.port()).isEqualTo(9006);
        assertThat(mcp.crmApiUrl()).isEqualTo("http://127.0.0.1:8080/api/crm");
        assertThat(mcp.mailApiUrl()).isEqualTo("http://gw/api/mail");
        assertThat(CollectingConfigErrors.of(mcp)).isEmpty();
    }

    @Test
    void validationNamesEveryProblem() {
        assertThat(CollectingConfigErrors.of(new DemoMcpConfig("127.0.0.1", -1, "ftp://x", "not a url", "/token", " ", null,
                Duration.ZERO))).containsExactlyInAnyOrder(
                "port: must be between 0 and 65535",
                "crmApiUrl: not an absolute http(s) URL: 'ftp://x'",
                "mailApiUrl: not a URL: 'not a url'",
                "tokenUrl: not an absolute http(s) URL: '/token'",
                "clientId: required with tokenUrl",
                "clientSecret: required with tokenUrl",
                "timeout: must be positive");
        assertThat(CollectingConfigErrors.of(new DemoLlmConfig(null, 65536, " ", ""))).containsExactlyInAnyOrder(
                "port: must be between 0 and 65535", "model: must not be blank", "apiKey: must not be blank when set");
        assertThat(CollectingConfigErrors.of(new DemoMailConfig(null, null, 0))).containsExactly("outboxSize: must be between 1 and 10000");
    }

    @Test
    void aBusyPortIsAConfigErrorNamingThePort() {
        try (DemoCrm first = new DemoCrm(new DemoCrmConfig("127.0.0.1", 0)); TestPluginContext context = new TestPluginContext()) {
            assertThatThrownBy(() -> new DemoMailFactory().create(new DemoMailConfig("127.0.0.1", first.port(), null), context))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("port"))
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        }
    }
}
