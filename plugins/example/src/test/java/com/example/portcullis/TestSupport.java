package com.example.portcullis;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Attributes;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import dev.portcullis.spi.Validatable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Just enough of the gateway to unit-test a plugin against the SPI alone: an exchange, a
 * plugin context with a real Micrometer registry, and an error collector.
 */
final class TestSupport {

    private TestSupport() {}

    /** A PluginContext with an in-memory meter registry and no components. */
    record Context(MeterRegistry meters) implements PluginContext {

        Context() {
            this(new SimpleMeterRegistry());
        }

        @Override
        public <T> T component(Class<T> type, String name) {
            throw new dev.portcullis.spi.ConfigException("no " + type.getSimpleName() + " named " + name);
        }

        @Override
        public <T> Optional<T> findComponent(Class<T> type, String name) {
            return Optional.empty();
        }

        @Override
        public List<Consumer> consumers() {
            return List.of();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            throw new UnsupportedOperationException("not needed by these tests");
        }

        @Override
        public Path configDir() {
            return Path.of(".");
        }
    }

    /** The "path: message" lines a config reports. */
    static List<String> errorsOf(Validatable config) {
        List<String> lines = new ArrayList<>();
        config.validate(new ConfigErrors() {
            @Override
            public void add(String path, String message) {
                lines.add(path + ": " + message);
            }

            @Override
            public ConfigErrors at(String path) {
                throw new UnsupportedOperationException("flat records only");
            }
        });
        return lines;
    }

    /** A GET exchange for {@code path}. */
    static TestExchange get(String path) {
        return new TestExchange("GET", path);
    }

    /** An in-memory exchange. */
    static final class TestExchange implements Exchange, Request {

        private final String method;
        private final String path;
        private final Headers headers = new Headers();
        private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();
        private Body body = Body.empty();
        Response response;

        TestExchange(String method, String path) {
            this.method = method;
            this.path = path;
        }

        @Override public String requestId() { return "test-1"; }
        @Override public Request request() { return this; }
        @Override public Response response() { return response; }
        @Override public RouteInfo route() { return new RouteInfo("test", "static"); }
        @Override public Optional<Identity> identity() { return Optional.empty(); }
        @Override public void identity(Identity identity) { throw new UnsupportedOperationException(); }
        @Override public Clock clock() { return Clock.systemUTC(); }
        @Override public boolean isCancelled() { return false; }
        @Override public void onComplete(Runnable action) {}

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

        @Override public String method() { return method; }
        @Override public String path() { return path; }
        @Override public String rawPath() { return path; }
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
