package dev.portcullis.kernel.backend.http;

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

/** A minimal exchange for backend tests: a request as the kernel would hand it over. */
final class TestExchange implements Exchange {

    private final TestRequest request;
    private final String requestId;
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();
    private Identity identity;

    TestExchange(TestRequest request, String requestId) {
        this.request = request;
        this.requestId = requestId;
    }

    static TestExchange get(String rawPath) {
        return new TestExchange(new TestRequest("GET", rawPath, "", new Headers(), Body.empty()), "req-1");
    }

    static TestExchange of(String method, String rawPath, Body body) {
        return new TestExchange(new TestRequest(method, rawPath, "", new Headers(), body), "req-1");
    }

    TestRequest req() {
        return request;
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
        return null;
    }

    @Override
    public RouteInfo route() {
        return new RouteInfo("test", "http");
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public void identity(Identity identity) {
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

    /** A mutable request. */
    static final class TestRequest implements Request {
        private final String method;
        private final String rawPath;
        private final String rawQuery;
        private final Headers headers;
        private Body body;
        String scheme = "http";
        String host = "gateway.test";
        String clientIp = "192.0.2.7";

        TestRequest(String method, String rawPath, String rawQuery, Headers headers, Body body) {
            this.method = method;
            this.rawPath = rawPath;
            this.rawQuery = rawQuery;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return java.net.URLDecoder.decode(rawPath, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String rawPath() {
            return rawPath;
        }

        @Override
        public String rawQuery() {
            return rawQuery;
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
            return scheme;
        }

        @Override
        public String host() {
            return host;
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
