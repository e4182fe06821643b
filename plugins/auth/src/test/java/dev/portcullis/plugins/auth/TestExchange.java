package dev.portcullis.plugins.auth;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A minimal in-memory exchange for unit tests of policies, until the kernel's harness is used. */
final class TestExchange implements Exchange {

    private final TestRequest request;
    private final Clock clock;
    private Identity identity;
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

    private TestExchange(TestRequest request, Clock clock) {
        this.request = request;
        this.clock = clock;
    }

    /** A GET of {@code pathAndQuery} with the given header name/value pairs, at {@code clock}. */
    static TestExchange get(String pathAndQuery, Clock clock, String... headers) {
        return new TestExchange(new TestRequest(pathAndQuery, Headers.of(headers)), clock);
    }

    static TestExchange get(String pathAndQuery, String... headers) {
        return get(pathAndQuery, Clock.systemUTC(), headers);
    }

    /** An exchange whose identity is already set, for authorize tests. */
    static TestExchange withIdentity(Identity identity) {
        TestExchange e = get("/");
        e.identity(identity);
        return e;
    }

    @Override
    public String requestId() {
        return "test";
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
        return clock;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void onComplete(Runnable action) {}

    static final class TestRequest implements Request {
        private final String path;
        private String query;
        private final Headers headers;
        private Body body = Body.empty();

        TestRequest(String pathAndQuery, Headers headers) {
            int q = pathAndQuery.indexOf('?');
            this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            this.query = q < 0 ? "" : pathAndQuery.substring(q + 1);
            this.headers = headers;
        }

        @Override
        public String method() {
            return "GET";
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
            return query;
        }

        @Override
        public void rawQuery(String rawQuery) {
            this.query = rawQuery;
        }

        @Override
        public Map<String, List<String>> queryParams() {
            Map<String, List<String>> params = new LinkedHashMap<>();
            if (!query.isEmpty()) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                }
            }
            return params;
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
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public String clientIp() {
            return "127.0.0.1";
        }
    }
}
