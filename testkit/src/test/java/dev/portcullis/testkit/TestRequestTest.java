package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestRequestTest {

    @Test
    void splitsTheTargetAndDecodesPathAndQueryLikeTheGateway() {
        TestRequest r = TestRequest.builder("get", "/files/a%20b+c/%C3%A9?q=1%202&tag=x&tag=y+z&flag&=v&&bad=%zz").build();

        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.rawPath()).isEqualTo("/files/a%20b+c/%C3%A9");
        assertThat(r.path()).as("percent-decoded; '+' stays in a path").isEqualTo("/files/a b+c/é");
        assertThat(r.rawQuery()).isEqualTo("q=1%202&tag=x&tag=y+z&flag&=v&&bad=%zz");
        assertThat(r.queryParams()).containsExactly(
                java.util.Map.entry("q", List.of("1 2")),
                java.util.Map.entry("tag", List.of("x", "y z")),
                java.util.Map.entry("flag", List.of("")),
                java.util.Map.entry("", List.of("v")),
                java.util.Map.entry("bad", List.of("%zz")));
        assertThat(r.queryParam("tag")).contains("x");
        assertThat(r.queryParam("none")).isEmpty();
    }

    @Test
    void replacingTheQueryChangesTheParameters() {
        TestRequest r = TestRequest.get("/?api_key=secret&a=1").build();
        assertThat(r.queryParams()).containsKey("api_key");

        r.rawQuery("a=1");
        assertThat(r.rawQuery()).isEqualTo("a=1");
        assertThat(r.queryParams()).containsOnlyKeys("a");
        r.rawQuery(null);
        assertThat(r.rawQuery()).isEmpty();
        assertThat(r.queryParams()).isEmpty();
        assertThatThrownBy(() -> r.queryParams().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void contentLengthIsNeverARequestHeader() {
        assertThatThrownBy(() -> TestRequest.post("/").header("content-length", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("body's length");
        assertThatThrownBy(() -> TestRequest.post("/").headers(Headers.of("Content-Length", "3")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersAndBodyAreMutableAndKeepOrder() {
        TestRequest r = TestRequest.post("/upload")
                .headers("Accept", "*/*", "X-A", "1")
                .header("x-a", "2")
                .body(Body.of(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3))
                .build();
        assertThat(r.headers().all("X-A")).containsExactly("1", "2");
        assertThat(r.body().length()).isEqualTo(3);

        r.headers().remove("Accept");
        r.body(Body.of("replaced"));
        assertThat(r.headers().contains("Accept")).isFalse();
        assertThat(r.body().text(100)).isEqualTo("replaced");
    }

    @Test
    void jsonSetsTheContentTypeAndABufferedBody() {
        TestRequest r = TestRequest.post("/v1/chat").json("{\"a\":1}").build();
        assertThat(r.headers().all("Content-Type")).containsExactly("application/json");
        assertThat(r.body().isBuffered()).isTrue();
        assertThat(r.body().text(100)).isEqualTo("{\"a\":1}");
    }

    @Test
    void connectionDefaultsAndOverrides() {
        TestRequest plain = TestRequest.get("/").build();
        assertThat(plain.scheme()).isEqualTo("http");
        assertThat(plain.host()).isEqualTo("localhost");
        assertThat(plain.clientIp()).isEqualTo("127.0.0.1");
        assertThat(plain.remoteAddress().getPort()).isEqualTo(40000);
        assertThat(plain.body().isEmpty()).isTrue();
        assertThat(plain.pathParams()).isEmpty();

        TestRequest fromHostHeader = TestRequest.get("/").header("Host", "API.Example:8443").build();
        assertThat(fromHostHeader.host()).isEqualTo("api.example");

        TestRequest set = TestRequest.get("/users/42").scheme("https").host("Gateway.Test:443")
                .remoteAddress("2001:db8::7", 5555).pathParam("id", "42").build();
        assertThat(set.scheme()).isEqualTo("https");
        assertThat(set.host()).isEqualTo("gateway.test");
        assertThat(set.clientIp()).isEqualTo("2001:db8::7");
        assertThat(set.remoteAddress().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(set.remoteAddress().getPort()).isEqualTo(5555);
        assertThat(set.pathParams()).containsEntry("id", "42");
    }

    @Test
    void refusesWhatNoClientCouldSend() {
        assertThatThrownBy(() -> TestRequest.get("orders")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestRequest.get("/%4").build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableClientAddressIsKeptAsTextAndNeverLookedUp() {
        TestRequest r = TestRequest.get("/").clientIp("unknown").build();
        assertThat(r.clientIp()).isEqualTo("unknown");
        assertThat(r.remoteAddress().isUnresolved()).isTrue();
        assertThat(TestRequest.get("/").clientIp("1.2.3.999").build().remoteAddress().isUnresolved()).isTrue();
    }
}
