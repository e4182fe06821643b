package dev.portcullis.inspect;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Attributes;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A plain in-memory exchange for driving a policy through the SPI. */
final class TestExchange implements Exchange {

    private final TestRequest request;
    private Response response;

    private TestExchange(TestRequest request) {
        this.request = request;
    }

    /** A POST with {@code body} and the given content type (null for none). */
    static TestExchange post(String contentType, Body body) {
        Headers headers = new Headers();
        if (contentType != null) {
            headers.add("Content-Type", contentType);
        }
        return new TestExchange(new TestRequest("POST", headers, body));
    }

    static TestExchange postJson(String json) {
        return post("application/json", Body.of(json));
    }

    TestExchange respond(Response response) {
        this.response = response;
        return this;
    }

    @Override
    public String requestId() {
        return "req-1";
    }

    @Override
    public TestRequest request() {
        return request;
    }

    @Override
    public Response response() {
        return response;
    }

    @Override
    public RouteInfo route() {
        return new RouteInfo("mail", "http");
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.empty();
    }

    @Override
    public void identity(Identity identity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Attributes attributes() {
        Map<AttributeKey<?>, Object> values = new HashMap<>();
        return new Attributes() {
            @Override
            public <T> void set(AttributeKey<T> key, T value) {
                values.put(key, value);
            }

            @Override
            public <T> Optional<T> get(AttributeKey<T> key) {
                return Optional.ofNullable(key.type().cast(values.get(key)));
            }
        };
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void onComplete(Runnable action) {}

    static final class TestRequest implements Request {
        private final String method;
        private final Headers headers;
        private Body body;

        TestRequest(String method, Headers headers, Body body) {
            this.method = method;
            this.headers = headers;
            this.body = body;
        }

        @Override public String method() { return method; }
        @Override public String path() { return "/send"; }
        @Override public String rawPath() { return "/send"; }
        @Override public String rawQuery() { return ""; }
        @Override public Map<String, List<String>> queryParams() { return Map.of(); }
        @Override public Map<String, String> pathParams() { return Map.of(); }
        @Override public Headers headers() { return headers; }
        @Override public Body body() { return body; }
        @Override public void body(Body body) { this.body = body; }
        @Override public String scheme() { return "http"; }
        @Override public String host() { return "localhost"; }
        @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 40000); }
        @Override public String clientIp() { return "127.0.0.1"; }
    }
}
