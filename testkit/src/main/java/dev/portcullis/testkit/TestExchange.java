package dev.portcullis.testkit;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Attributes;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link Exchange} for driving a policy or backend by hand, with the kernel's rules: the
 * identity and every attribute can be set once only, completion actions run once.
 *
 * <pre>{@code
 * TestExchange exchange = TestRequest.get("/orders").header("X-API-Key", key).exchange();
 * assertThat(policy.onRequest(exchange)).isEqualTo(Verdict.proceed());
 * exchange.response(Response.json(200, "{}"));       // play the backend
 * policy.onResponse(exchange);
 * exchange.complete();                                // run onComplete actions, as the kernel does at the end
 * }</pre>
 *
 * <p>Defaults: request id {@code req-1}, route {@code test} with backend {@code http}, the
 * system UTC clock (swap in a {@link TestClock} to control time), no response, no identity.
 */
public final class TestExchange implements Exchange {

    private final TestRequest request;
    private final WriteOnceAttributes attributes = new WriteOnceAttributes();
    private String requestId = "req-1";
    private String correlationId;
    private RouteInfo route = new RouteInfo("test", "http");
    private Clock clock = Clock.systemUTC();
    private Response response;
    private Identity identity;
    private volatile boolean cancelled;
    private List<Runnable> completions;

    private TestExchange(TestRequest request) {
        this.request = request;
    }

    /** An exchange in its request phase around {@code request}. */
    public static TestExchange of(TestRequest request) {
        return new TestExchange(request);
    }

    /**
     * A GET of {@code target} with header lines from alternating name/value pairs and the other
     * request defaults; see {@link TestRequest#get(String)}.
     */
    public static TestExchange get(String target, String... headerPairs) {
        return of(TestRequest.get(target).headers(headerPairs).build());
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String correlationId() {
        return correlationId != null ? correlationId : requestId;
    }

    /** Sets the correlation id (defaults to the request id). */
    public TestExchange correlationId(String correlationId) {
        this.correlationId = correlationId;
        return this;
    }

    /** Sets the request id ({@code X-Request-Id}). */
    public TestExchange requestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    @Override
    public TestRequest request() {
        return request;
    }

    @Override
    public Response response() {
        return response;
    }

    /** Sets the response, as a backend would before the response phase. */
    public TestExchange response(Response response) {
        this.response = response;
        return this;
    }

    @Override
    public RouteInfo route() {
        return route;
    }

    /** Sets the matched route's name, keeping the backend type. */
    public TestExchange route(String name) {
        return route(new RouteInfo(name, route.backend()));
    }

    /** Sets the matched route. */
    public TestExchange route(RouteInfo route) {
        this.route = route;
        return this;
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /**
     * Establishes the identity, as an authentication policy does.
     *
     * @throws IllegalStateException if an identity was already set
     */
    @Override
    public void identity(Identity identity) {
        if (this.identity != null) {
            throw new IllegalStateException("identity is already set (by method " + this.identity.method() + ")");
        }
        this.identity = identity;
    }

    /** {@link #identity(Identity)}, returning this exchange: for a caller an earlier policy authenticated. */
    public TestExchange withIdentity(Identity identity) {
        identity(identity);
        return this;
    }

    @Override
    public Attributes attributes() {
        return attributes;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** Sets the clock policies read time from. */
    public TestExchange clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Marks the exchange abandoned, as when the client goes away. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public void onComplete(Runnable action) {
        if (completions == null) {
            completions = new ArrayList<>(2);
        }
        completions.add(action);
    }

    /** How many completion actions are waiting for {@link #complete()}. */
    public int pendingCompletions() {
        return completions == null ? 0 : completions.size();
    }

    /**
     * Runs the completion actions once, in the order they were registered, as the kernel does when
     * the response is finished or abandoned. Like the kernel, a failing action does not stop the
     * others; unlike the kernel (which logs it), the first failure is rethrown afterwards so that
     * the test sees it.
     */
    public void complete() {
        if (completions == null) {
            return;
        }
        List<Runnable> actions = completions;
        completions = null;
        RuntimeException failure = null;
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Write-once attributes, keyed by key identity like the kernel's. */
    private static final class WriteOnceAttributes implements Attributes {

        private final Map<AttributeKey<?>, Object> values = new IdentityHashMap<>(4);

        @Override
        public <T> void set(AttributeKey<T> key, T value) {
            if (values.putIfAbsent(key, key.type().cast(value)) != null) {
                throw new IllegalStateException("attribute '" + key.name() + "' is already set");
            }
        }

        @Override
        public <T> Optional<T> get(AttributeKey<T> key) {
            return Optional.ofNullable(key.type().cast(values.get(key)));
        }
    }
}
