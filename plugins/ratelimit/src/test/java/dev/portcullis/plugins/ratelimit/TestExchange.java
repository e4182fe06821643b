package dev.portcullis.plugins.ratelimit;

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

/** A plain exchange for policy tests: a GET from a client IP on a route, with optional headers and identity. */
final class TestExchange implements Exchange, Request, Attributes {

    private final String route;
    private final String clientIp;
    private final Headers headers = new Headers();
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();
    private Identity identity;
    private Response response;

    TestExchange(String route, String clientIp) {
        this.route = route;
        this.clientIp = clientIp;
    }

    TestExchange header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    TestExchange as(Identity id) {
        identity(id);
        return this;
    }

    static Identity consumer(String name) {
        return new Identity(name + "-subject", "test", "api-key", null, null, name, null);
    }

    /** Plays the backend: an empty 200. */
    TestExchange respond() {
        response = new Response(200, new Headers(), Body.empty());
        return this;
    }

    // ---- Exchange ----

    @Override
    public String requestId() {
        return "test";
    }

    @Override
    public Request request() {
        return this;
    }

    @Override
    public Response response() {
        return response;
    }

    @Override
    public RouteInfo route() {
        return new RouteInfo(route, "http");
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
        return this;
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

    // ---- Attributes ----

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

    // ---- Request ----

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public String rawPath() {
        return "/";
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
        return Body.empty();
    }

    @Override
    public void body(Body body) {}

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
