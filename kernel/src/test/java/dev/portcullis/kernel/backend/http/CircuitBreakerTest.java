package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.backend.http.HttpBackendConfig.Breaker;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Passive;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Retry;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Target;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Timeouts;
import dev.portcullis.upstream.RawServer;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Response;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker through the real backend against real upstreams. Time is a hand-moved
 * clock, so {@code openFor} passes without sleeping.
 */
class CircuitBreakerTest {

    private static final long SECOND = 1_000_000_000L;

    private final TestPluginContext context = new TestPluginContext();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** An arbitrary start: nanoTime may be anything, including negative. */
    private final AtomicLong clock = new AtomicLong(-7 * SECOND);

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        context.close();
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    /** An upstream answering every request with the current value of {@code status}, empty body. */
    private RawServer upstream(AtomicInteger status) throws IOException {
        return track(RawServer.http(req -> "HTTP/1.1 " + status.get() + " X\r\nContent-Length: 0\r\n\r\n"));
    }

    private Backend backend(List<Target> targets, Breaker breaker, Passive passive) {
        HttpBackendConfig config = new HttpBackendConfig(targets, null,
                new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), null), new Retry(0, null, null, null, null),
                null, breaker, passive, null, null, null, null, null);
        CollectingConfigErrors errors = new CollectingConfigErrors();
        config.validate(errors);
        if (breaker != null) {
            breaker.validate(errors);
        }
        assertThat(errors.lines()).isEmpty();
        return track(new HttpBackendFactory(clock::get).create(config, context));
    }

    private static List<Target> targets(RawServer... servers) {
        List<Target> list = new ArrayList<>();
        for (RawServer s : servers) {
            list.add(new Target(s.url(), 1));
        }
        return list;
    }

    private static Breaker breaker(double ratio, int minRequests, int consecutive, int probes) {
        return new Breaker(ratio, minRequests, consecutive, Duration.ofSeconds(10), Duration.ofSeconds(30), probes, null);
    }

    /** Sends a GET and returns the status; the body is discarded. */
    private static int status(Backend backend) throws IOException {
        Response r = backend.handle(TestExchange.get("/"));
        r.body().discard();
        return r.status();
    }

    private static Failure refusal(Backend backend) {
        try {
            Response r = backend.handle(TestExchange.get("/"));
            r.body().discard();
            throw new AssertionError("expected a refusal, got " + r.status());
        } catch (GatewayException e) {
            return e.failure();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void advance(long seconds) {
        clock.addAndGet(seconds * SECOND);
    }

    private double circuitState(RawServer target) {
        return context.meters().get("portcullis.upstream.circuit_state").tag("target", target.url()).gauge().value();
    }

    private double transitions(RawServer target, String to) {
        return context.meters().get("portcullis.upstream.circuit_transitions").tag("target", target.url()).tag("to", to)
                .counter().count();
    }

    @Test
    void opensWhenTheErrorRatioIsReachedOverEnoughRequests() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(0.5, 10, 0, 1), null);
        for (int i = 1; i <= 10; i++) {
            status.set(i % 2 == 0 ? 500 : 200);
            assertThat(status(backend)).isEqualTo(status.get());
            // half of them fail all along, but the circuit waits for minRequests
            assertThat(circuitState(up)).isEqualTo(i < 10 ? 0.0 : 2.0);
        }
        Failure refused = refusal(backend);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("circuit-open");
        assertThat(up.requests).hasSize(10);
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(0.5, 4, 0, 1), null);
        for (int i = 0; i < 3; i++) {
            status(backend);
        }
        advance(11);
        status.set(200);
        for (int i = 0; i < 3; i++) {
            status(backend);
        }
        status.set(500);
        status(backend); // 4 of 7 failed overall, but only 1 of 4 inside the window
        assertThat(circuitState(up)).isZero();
        status.set(200);
        assertThat(status(backend)).isEqualTo(200);
    }

    @Test
    void opensAfterConsecutiveFailuresAndASuccessBreaksTheStreak() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(1.0, 1000, 3, 1), null);
        status(backend);
        status(backend);
        status.set(200);
        status(backend);
        status.set(503);
        status(backend);
        status(backend);
        assertThat(circuitState(up)).isZero();
        status(backend);
        assertThat(circuitState(up)).isEqualTo(2.0);
        assertThat(refusal(backend).code()).isEqualTo("circuit-open");
        assertThat(up.requests).hasSize(6);
    }

    @Test
    void halfOpenProbesThatAllSucceedCloseTheCircuit() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(1.0, 1000, 2, 2), null);
        status(backend);
        status(backend);
        assertThat(refusal(backend).headers().get("Retry-After")).isEqualTo("30");
        advance(10);
        assertThat(refusal(backend).headers().get("Retry-After")).isEqualTo("20");
        advance(20);
        status.set(200);

        assertThat(status(backend)).isEqualTo(200);
        assertThat(circuitState(up)).isEqualTo(1.0);
        assertThat(status(backend)).isEqualTo(200);
        assertThat(circuitState(up)).isZero();
        assertThat(up.requests).hasSize(4); // the refusals never reached the upstream

        assertThat(transitions(up, "open")).isEqualTo(1.0);
        assertThat(transitions(up, "half-open")).isEqualTo(1.0);
        assertThat(transitions(up, "closed")).isEqualTo(1.0);
        // closed again with a fresh streak: one failure does not reopen it
        status.set(500);
        status(backend);
        assertThat(circuitState(up)).isZero();
    }

    @Test
    void aFailedProbeReopensTheCircuitForAnotherOpenFor() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(1.0, 1000, 1, 3), null);
        status(backend);
        advance(30);
        assertThat(status(backend)).isEqualTo(500); // the probe's answer reaches the client as it is
        assertThat(circuitState(up)).isEqualTo(2.0);
        advance(29);
        Failure again = refusal(backend);
        assertThat(again.code()).isEqualTo("circuit-open");
        assertThat(again.headers().get("Retry-After")).isEqualTo("1");
        assertThat(transitions(up, "open")).isEqualTo(2.0);
        assertThat(transitions(up, "half-open")).isEqualTo(1.0);
        assertThat(transitions(up, "closed")).isZero();
    }

    @Test
    void halfOpenAdmitsOnlyTheConfiguredNumberOfProbesAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger arrived = new AtomicInteger();
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = track(RawServer.http(req -> {
            if (status.get() == 200) {
                arrived.incrementAndGet();
                release.await(5, TimeUnit.SECONDS);
            }
            return "HTTP/1.1 " + status.get() + " X\r\nContent-Length: 0\r\n\r\n";
        }));
        Backend backend = backend(targets(up), breaker(1.0, 1000, 1, 2), null);
        status(backend);
        advance(30);
        status.set(200);
        List<Thread> probes = new ArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            probes.add(Thread.ofVirtual().start(() -> {
                try {
                    if (status(backend) == 200) {
                        answered.incrementAndGet();
                    }
                } catch (IOException ignored) {
                    // counted as not answered
                }
            }));
        }
        long deadline = System.nanoTime() + 5 * SECOND;
        while (arrived.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        Failure third = refusal(backend); // both probe permits are out
        assertThat(third.code()).isEqualTo("circuit-open");
        assertThat(third.headers().get("Retry-After")).isEqualTo("1");
        release.countDown();
        for (Thread t : probes) {
            t.join(5000);
        }
        assertThat(answered.get()).isEqualTo(2);
        assertThat(circuitState(up)).isZero();
        assertThat(status(backend)).isEqualTo(200);
    }

    @Test
    void trafficMovesToTheHealthyTargetWhileOneIsOpen() throws Exception {
        RawServer bad = upstream(new AtomicInteger(502));
        RawServer good = upstream(new AtomicInteger(200));
        Backend backend = backend(targets(bad, good), breaker(1.0, 1000, 2, 1), null);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(status(backend));
        }
        assertThat(statuses).containsExactly(502, 200, 502, 200, 200, 200, 200, 200, 200, 200);
        assertThat(bad.requests).hasSize(2);
        assertThat(good.requests).hasSize(8);
        assertThat(circuitState(bad)).isEqualTo(2.0);
        assertThat(circuitState(good)).isZero();
        assertThat(context.meters().get("portcullis.upstream.healthy").tag("target", bad.url()).gauge().value()).isZero();
        assertThat(transitions(good, "open")).isZero();
    }

    @Test
    void everyCircuitOpenIs503WithRetryAfterOfTheEarliestProbe() throws Exception {
        String refused = refusedUrl();
        RawServer failing = upstream(new AtomicInteger(500));
        Backend backend = backend(List.of(new Target(refused, 1), new Target(failing.url(), 1)), breaker(1.0, 1000, 1, 1), null);
        assertThatThrownBy(() -> backend.handle(TestExchange.get("/")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.failure().status()).isEqualTo(502));
        advance(12);
        assertThat(status(backend)).isEqualTo(500);

        Failure f = refusal(backend);
        assertThat(f.status()).isEqualTo(503);
        assertThat(f.code()).isEqualTo("circuit-open");
        assertThat(f.title()).isEqualTo("Circuit open");
        assertThat(f.detail()).contains(refused.substring(7)).contains("127.0.0.1:" + failing.port()).contains("retry in 18s");
        assertThat(f.headers().get("Retry-After")).isEqualTo("18"); // the refused target opened first: 30 - 12
        assertThat(context.meters().get("portcullis.upstream.errors").tag("target", refused).tag("cause", "unreachable")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void passiveEjectionIsTheConsecutiveFailuresArmWithOneProbe() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = upstream(status);
        RawServer other = upstream(new AtomicInteger(200));
        Backend backend = backend(targets(up, other), null, new Passive(2, Duration.ofSeconds(5)));
        for (int i = 0; i < 6; i++) {
            status(backend);
        }
        assertThat(up.requests).hasSize(2);
        assertThat(circuitState(up)).isEqualTo(2.0);
        advance(5);
        status.set(200);
        for (int i = 0; i < 4; i++) {
            status(backend);
        }
        assertThat(up.requests).hasSize(4); // one probe closed it, then round robin as before
        assertThat(circuitState(up)).isZero();
        assertThat(transitions(up, "closed")).isEqualTo(1.0);
    }

    @Test
    void aRequestBodyThatFailsReleasesTheProbePermitAndIsNotCharged() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        RawServer up = upstream(status);
        Backend backend = backend(targets(up), breaker(1.0, 1000, 1, 1), null);
        status(backend);
        advance(30);
        status.set(200);
        InputStream tooBig = new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent > 0) {
                    throw new GatewayException(Failure.of(413, "body-too-large", "Request body too large", "over 4 bytes"));
                }
                sent = 4;
                System.arraycopy("abcd".getBytes(StandardCharsets.US_ASCII), 0, b, off, 4);
                return 4;
            }
        };
        assertThatThrownBy(() -> backend.handle(TestRequest.post("/upload").body(Body.of(tooBig, -1)).exchange()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.failure().status()).isEqualTo(413);
                    assertThat(e.failure().code()).isEqualTo("body-too-large");
                });
        assertThat(circuitState(up)).isEqualTo(1.0); // still half-open, and its only permit is free again
        assertThat(status(backend)).isEqualTo(200);
        assertThat(circuitState(up)).isZero();
    }

    @Test
    void aClientBodyFailureInTheClosedStateDoesNotCountAsAnUpstreamFailure() throws Exception {
        RawServer up = upstream(new AtomicInteger(200));
        Backend backend = backend(targets(up), breaker(1.0, 1000, 1, 1), null);
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new InterruptedIOException("client went away");
            }
        };
        assertThatThrownBy(() -> backend.handle(TestRequest.post("/").body(Body.of(broken, -1)).exchange()))
                .isInstanceOf(InterruptedIOException.class);
        assertThat(circuitState(up)).isZero();
        assertThat(status(backend)).isEqualTo(200);
    }

    private static String refusedUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }
}
