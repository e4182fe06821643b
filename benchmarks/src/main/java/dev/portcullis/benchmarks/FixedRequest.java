package dev.portcullis.benchmarks;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Request;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A {@link Request} with fixed values and no body, standing in for the listener's request view so
 * the chain can be measured without a socket. Its headers are mutable like the real ones; the
 * benchmarks' policies leave them alone, so one instance can serve every invocation.
 */
public final class FixedRequest implements Request {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50_000);

    private final String method;
    private final String path;
    private final String host;
    private final Headers headers;
    private Body body = Body.empty();

    /** A request for {@code method path} on {@code host} with the given header name/value pairs. */
    public FixedRequest(String method, String path, String host, String... headerPairs) {
        this.method = method;
        this.path = path;
        this.host = host;
        this.headers = Headers.of(headerPairs);
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
        return host;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return CLIENT;
    }

    @Override
    public String clientIp() {
        return "127.0.0.1";
    }
}
