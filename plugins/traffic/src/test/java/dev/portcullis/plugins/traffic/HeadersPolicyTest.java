package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersPolicyTest {

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void requestHeadersRemoveThenSetThenAddWithVariables() {
        HeadersConfig config = new HeadersConfig(
                map("X-Trace", "%{requestId}@%{route}", "X-Remove-Me", "re-added"),
                map("X-Client", "ip=%{clientIp} consumer=%{consumer}"),
                List.of("x-remove-me", "Cookie"));
        assertThat(CollectingConfigErrors.of(config)).isEmpty();
        Policy policy = new RequestHeadersPolicyFactory().create(config, null);

        TestExchange exchange = TestRequest.get("/orders").clientIp("10.1.2.3").exchange().route("orders");
        exchange.request().headers().add("Cookie", "a=1").add("X-Remove-Me", "old").add("X-Client", "spoofed");
        exchange.identity(new Identity("alice", "portcullis", "api-key", null, null, "support-agent", null));

        assertThat(policy.onRequest(exchange)).isEqualTo(Verdict.proceed());
        Headers h = exchange.request().headers();
        assertThat(h.contains("Cookie")).isFalse();
        assertThat(h.all("X-Remove-Me")).containsExactly("re-added"); // removed first, then added
        assertThat(h.all("X-Client")).containsExactly("ip=10.1.2.3 consumer=support-agent");
        assertThat(h.get("X-Trace")).isEqualTo("req-1@orders");
    }

    @Test
    void consumerIsEmptyWithoutIdentityAndAddKeepsExistingValues() {
        HeadersConfig config = new HeadersConfig(map("X-Consumer", "[%{consumer}]"), null, null);
        Policy policy = new RequestHeadersPolicyFactory().create(config, null);
        TestExchange exchange = TestExchange.get("/");
        exchange.request().headers().add("X-Consumer", "first");

        policy.onRequest(exchange);

        assertThat(exchange.request().headers().all("X-Consumer")).containsExactly("first", "[]");
    }

    @Test
    void responseHeadersApplyInResponsePhaseOnly() {
        HeadersConfig config = new HeadersConfig(null, map("Server", "portcullis", "X-Request-Id", "%{requestId}"), List.of("X-Powered-By"));
        Policy policy = new ResponseHeadersPolicyFactory().create(config, null);
        TestExchange exchange = TestExchange.get("/");
        exchange.request().headers().add("X-Powered-By", "client");

        policy.onRequest(exchange);
        assertThat(exchange.request().headers().get("X-Powered-By")).isEqualTo("client");

        exchange.requestId("abc");
        exchange.response(new Response(200, Headers.of("Server", "nginx", "X-Powered-By", "php"), Body.empty()));
        assertThat(policy.onResponse(exchange)).isEqualTo(Verdict.proceed());
        Headers h = exchange.response().headers();
        assertThat(h.all("Server")).containsExactly("portcullis");
        assertThat(h.get("X-Request-Id")).isEqualTo("abc");
        assertThat(h.contains("X-Powered-By")).isFalse();
    }

    @Test
    void runtimeValuesCannotSplitTheHeader() {
        Policy policy = new RequestHeadersPolicyFactory().create(new HeadersConfig(null, map("X-Id", "%{requestId}"), null), null);
        TestExchange exchange = TestExchange.get("/");
        exchange.requestId("a\r\nInjected: yes");

        policy.onRequest(exchange);

        assertThat(exchange.request().headers().get("X-Id")).isEqualTo("aInjected: yes");
    }

    @Test
    void validationNamesEveryProblemWithItsPath() {
        HeadersConfig config = new HeadersConfig(
                map("X-Ok", "%{nope}", "Bad Name", "v"),
                map("Content-Length", "5", "X-Open", "%{requestId", "X-Crlf", "a\nb"),
                List.of("X-Fine", "Transfer-Encoding", ""));

        assertThat(CollectingConfigErrors.of(config)).containsExactly(
                "add.X-Ok: unknown variable '%{nope}' (known: %{requestId}, %{clientIp}, %{consumer}, %{route})",
                "add.Bad Name: not a valid header name: 'Bad Name'",
                "set.Content-Length: 'Content-Length' is managed by the gateway and cannot be changed",
                "set.X-Open: unclosed '%{' at position 0",
                "set.X-Crlf: line breaks are not allowed in a header value",
                "remove[1]: 'Transfer-Encoding' is managed by the gateway and cannot be changed",
                "remove[2]: not a valid header name: ''");
        assertThat(CollectingConfigErrors.of(new HeadersConfig(null, null, null)))
                .containsExactly(": nothing to do: give at least one of add, set, remove");
    }

    @Test
    void templatesWithoutVariablesAreConstantAndDollarAloneIsLiteral() {
        assertThat(HeaderTemplate.parse("costs $5").isConstant()).isTrue();
        assertThat(HeaderTemplate.parse("costs $5").render(TestExchange.get("/"))).isEqualTo("costs $5");
        assertThat(HeaderTemplate.parse("%{route}").isConstant()).isFalse();
        assertThatThrownBy(() -> HeaderTemplate.parse("%{clientip}"))
                .hasMessageContaining("unknown variable '%{clientip}'");
    }
}
