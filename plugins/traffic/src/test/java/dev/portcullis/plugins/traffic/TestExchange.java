package dev.portcullis.plugins.traffic;

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

/** A plain in-memory Exchange for unit tests of policies (no kernel involved). */
final class TestExchange implements Exchange {

    final TestRequest request;
    Response response;
    Identity identity;
    String requestId = "req-1";
    RouteInfo route = new RouteInfo("orders", "http");
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

    TestExchange(TestRequest request) {
        this.request = request;
    }

    static TestExchange get(String path) {
        return new TestExchange(new TestRequest("GET", path));
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Response response() {
        return response;
    }

    @Override
    public RouteInfo route() {
        return route;
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public void identity(Identity identity) {
        if (this.identity != null) {
            throw new IllegalStateException("identity already set");
        }
        this.identity = identity;
    }

    @Override
    public Attributes attributes() {
        return new Attributes() {
            @Override
            public <T> void set(AttributeKey<T> key, T value) {
                if (attributes.putIfAbsent(key, value) != null) {
                    throw new IllegalStateException(key + " already set");
                }
            }

            @Override
            public <T> Optional<T> get(AttributeKey<T> key) {
                return Optional.ofNullable(key.type().cast(attributes.get(key)));
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

    /** A request with settable parts. */
    static final class TestRequest implements Request {

        final String method;
        final String path;
        final Headers headers = new Headers();
        Body body = Body.empty();
        String clientIp = "127.0.0.1";

        TestRequest(String method, String path) {
            this.method = method;
            this.path = path;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String rawPath() {
            return path;
        }

        @Override
        public String rawQuery() {
            return "";
        }

        @Override
        public Map<String, List<String>> queryParams() {
            return Map.of();
        }

        @Override
        public Map<String, String> pathParams() {
            return Map.of();
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public Body body() {
            return body;
        }

        @Override
        public void body(Body body) {
            this.body = body;
        }

        @Override
        public String scheme() {
            return "http";
        }

        @Override
        public String host() {
            return "localhost";
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress(clientIp, 40000);
        }

        @Override
        public String clientIp() {
            return clientIp;
        }
    }
}
