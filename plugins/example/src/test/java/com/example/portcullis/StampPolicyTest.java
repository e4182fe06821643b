package com.example.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

class StampPolicyTest {

    private final TestPluginContext context = new TestPluginContext();

    @Test
    void setsTheResponseHeaderReplacingAnUpstreamValue() {
        Policy stamp = new StampPolicyFactory().create(new StampConfig("X-Stamp", "hello"), context);
        TestExchange exchange = TestExchange.get("/");

        assertThat(stamp.onRequest(exchange)).isEqualTo(Verdict.proceed());
        exchange.response(new Response(200, Headers.of("x-stamp", "from-upstream"), Body.of("ok")));
        assertThat(stamp.onResponse(exchange)).isEqualTo(Verdict.proceed());

        assertThat(exchange.response().headers().all("X-Stamp")).containsExactly("hello");
    }

    @Test
    void countsEveryRequestInTheGatewaysMeterRegistry() {
        Policy stamp = new StampPolicyFactory().create(new StampConfig("X-Seen", "1"), context);
        for (int i = 0; i < 3; i++) {
            stamp.onRequest(TestExchange.get("/" + i));
        }

        double count = context.meters().get(StampPolicyFactory.COUNTER).tag("header", "X-Seen").counter().count();
        assertThat(count).isEqualTo(3.0);
    }

    @Test
    void headerDefaultsAndValueIsRequired() {
        StampConfig defaults = new StampConfig(null, "hi");
        assertThat(defaults.header()).isEqualTo("X-Stamp");
        assertThat(CollectingConfigErrors.of(defaults)).isEmpty();

        assertThat(CollectingConfigErrors.of(new StampConfig("Bad Header", null))).containsExactly(
                "header: not a valid header name: 'Bad Header'",
                "value: required");
        assertThat(CollectingConfigErrors.of(new StampConfig(null, "a\r\nSet-Cookie: x")))
                .containsExactly("value: line breaks are not allowed in a header value");
    }
}
