package dev.portcullis.testkit;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.QueryStrings;
import dev.portcullis.spi.Request;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Request} as the kernel hands it to policies and backends, built in memory.
 *
 * <pre>{@code
 * TestRequest request = TestRequest.post("/orders?dry-run=1")
 *         .header("Authorization", "Bearer abc")
 *         .json("{\"item\": 42}")
 *         .clientIp("203.0.113.9")
 *         .build();
 * }</pre>
 *
 * <p>Behaves like the gateway's request: the method is upper case; {@link #path()} is the
 * percent-decoded {@link #rawPath()}; query parameters are decoded and follow
 * {@link #rawQuery(String)}; headers and body are mutable; {@code Content-Length} is never among
 * the headers (the body's {@link Body#length()} carries it). Unlike the gateway it does not refuse
 * dot segments or encoded slashes, and keeps hop-by-hop headers you give it, so a backend test can
 * check its own defences.
 */
public final class TestRequest implements Request {

    private final String method;
    private final String rawPath;
    private final String path;
    private String rawQuery;
    private Map<String, List<String>> queryParams;
    private final Map<String, String> pathParams;
    private final Headers headers;
    private Body body;
    private final String scheme;
    private final String host;
    private final InetSocketAddress remoteAddress;
    private final String clientIp;

    private TestRequest(Builder b) {
        this.method = b.method;
        this.rawPath = b.rawPath;
        this.path = decodePath(b.rawPath);
        this.rawQuery = b.rawQuery;
        this.pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.pathParams));
        this.headers = b.headers;
        this.body = b.body;
        this.scheme = b.scheme;
        this.host = b.host != null ? b.host : hostOf(b.headers.get("Host"));
        this.remoteAddress = b.remoteAddress;
        this.clientIp = b.clientIp;
    }

    /** A GET of {@code target} ({@code /path?query}, still percent-encoded as a client sends it). */
    public static Builder get(String target) {
        return builder("GET", target);
    }

    /** A POST of {@code target}. */
    public static Builder post(String target) {
        return builder("POST", target);
    }

    /** A request with any method, e.g. {@code OPTIONS} or {@code HEAD}. */
    public static Builder builder(String method, String target) {
        return new Builder(method, target);
    }

    /** A new exchange around this request; see {@link TestExchange#of(TestRequest)}. */
    public TestExchange exchange() {
        return TestExchange.of(this);
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
        return rawPath;
    }

    @Override
    public String rawQuery() {
        return rawQuery;
    }

    @Override
    public void rawQuery(String rawQuery) {
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        this.queryParams = null;
    }

    /** The decoded query parameters, in order of first appearance; read-only (change the query with {@link #rawQuery(String)}). */
    @Override
    public Map<String, List<String>> queryParams() {
        if (queryParams == null) {
            queryParams = Collections.unmodifiableMap(QueryStrings.parse(rawQuery));
        }
        return queryParams;
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
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
        return remoteAddress;
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public String toString() {
        return method + " " + rawPath + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }


    /** Percent-decodes a path as UTF-8; unlike form decoding, {@code +} stays a plus. */
    private static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0, n = raw.length(); i < n; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < n ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < n ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid percent-encoding in path '" + raw + "' (the gateway refuses it)");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The host of an authority, lower case and without port, as the kernel reports it. */
    private static String hostOf(String authority) {
        if (authority == null || authority.isEmpty()) {
            return "localhost";
        }
        String a = authority.toLowerCase(Locale.ROOT);
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(0, end + 1) : a;
        }
        int colon = a.indexOf(':');
        return colon >= 0 ? a.substring(0, colon) : a;
    }

    /**
     * Builds a {@link TestRequest}. Defaults: no headers, an empty body, {@code http}, host from
     * the {@code Host} header or {@code localhost}, client {@code 127.0.0.1:40000}.
     */
    public static final class Builder {

        private final String method;
        private final String rawPath;
        private final String rawQuery;
        private final Headers headers = new Headers();
        private final Map<String, String> pathParams = new LinkedHashMap<>();
        private Body body = Body.empty();
        private String scheme = "http";
        private String host;
        private InetSocketAddress remoteAddress = address("127.0.0.1", 40000);
        private String clientIp = "127.0.0.1";

        private Builder(String method, String target) {
            if (method == null || method.isBlank()) {
                throw new IllegalArgumentException("a method is required");
            }
            if (target == null || !target.startsWith("/")) {
                throw new IllegalArgumentException("the target must start with '/': " + target);
            }
            this.method = method.toUpperCase(Locale.ROOT);
            int q = target.indexOf('?');
            this.rawPath = q < 0 ? target : target.substring(0, q);
            this.rawQuery = q < 0 ? "" : target.substring(q + 1);
        }

        /**
         * Adds a header line, keeping earlier values of the same name.
         *
         * @throws IllegalArgumentException for {@code Content-Length}: the gateway never shows it
         *         among the headers; give the body a length instead ({@link Body#of(java.io.InputStream, long)})
         */
        public Builder header(String name, String value) {
            if (name.equalsIgnoreCase("Content-Length")) {
                throw new IllegalArgumentException("Content-Length is not a request header in the gateway: "
                        + "the body's length carries it (Body.of(bytes) or Body.of(stream, length))");
            }
            headers.add(name, value);
            return this;
        }

        /** Adds header lines from alternating name/value pairs. */
        public Builder headers(String... nameValuePairs) {
            if (nameValuePairs.length % 2 != 0) {
                throw new IllegalArgumentException("name/value pairs expected");
            }
            for (int i = 0; i < nameValuePairs.length; i += 2) {
                header(nameValuePairs[i], nameValuePairs[i + 1]);
            }
            return this;
        }

        /** Adds every line of {@code lines}, in order. */
        public Builder headers(Headers lines) {
            lines.forEach(this::header);
            return this;
        }

        /** The body, as a backend or policy will read it (buffered or streamed). */
        public Builder body(Body body) {
            this.body = body;
            return this;
        }

        /** A UTF-8 text body. */
        public Builder body(String text) {
            return body(Body.of(text));
        }

        /** A JSON body with {@code Content-Type: application/json}. */
        public Builder json(String json) {
            headers.set("Content-Type", "application/json");
            return body(Body.of(json));
        }

        /** A value of a route path template, e.g. {@code id} for {@code /users/{id}}. */
        public Builder pathParam(String name, String value) {
            pathParams.put(name, value);
            return this;
        }

        /** {@code http} (the default) or {@code https}. */
        public Builder scheme(String scheme) {
            this.scheme = scheme;
            return this;
        }

        /** The host the client asked for; lower-cased, any port dropped. */
        public Builder host(String host) {
            this.host = hostOf(host);
            return this;
        }

        /** The client's IP, on port 40000; see {@link #remoteAddress(String, int)}. */
        public Builder clientIp(String ip) {
            return remoteAddress(ip, 40000);
        }

        /**
         * The client's socket address. {@link TestRequest#clientIp()} is {@code ip} exactly as given.
         * An IP literal (v4, v6, bracketed v6) becomes a resolved address without any lookup;
         * anything else (e.g. {@code unknown}) an unresolved one, as when the kernel cannot read
         * the peer's address.
         */
        public Builder remoteAddress(String ip, int port) {
            this.remoteAddress = address(ip, port);
            this.clientIp = ip;
            return this;
        }

        /** The request. */
        public TestRequest build() {
            return new TestRequest(this);
        }

        /** An exchange around the built request: {@code TestRequest.get("/").exchange()}. */
        public TestExchange exchange() {
            return TestExchange.of(build());
        }

        private static InetSocketAddress address(String ip, int port) {
            // only literals reach getByName (an IPv6 one always contains ':'), so nothing is looked up
            if (ip.indexOf(':') >= 0 || isDottedQuad(ip)) {
                try {
                    return new InetSocketAddress(InetAddress.getByName(ip), port);
                } catch (UnknownHostException e) {
                    // a malformed literal: the peer's address is unreadable, as below
                }
            }
            return InetSocketAddress.createUnresolved(ip, port);
        }

        private static boolean isDottedQuad(String ip) {
            String[] parts = ip.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
    }
}
