package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream read timeouts enforced by {@link ReadDeadlines} (no SO_TIMEOUT on the sockets): a
 * stalled body fails its reader within the idle timeout plus a tick, over plain TCP and TLS; a
 * slow but steady body does not (the limit is per read, not per body); a timed-out
 * connection is neither pooled nor watched any more; and the watchdog, asleep while no read
 * waits, wakes for the next one.
 */
class ReadDeadlinesTest {

    private static final Duration IDLE = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private static UpstreamClient client(SSLContext tls) {
        return new UpstreamClient(new UpstreamOptions(Duration.ofSeconds(1), Duration.ofSeconds(2), IDLE, 8,
                Duration.ofSeconds(30), 4096, tls));
    }

    private static UpstreamRequest get(Origin origin) {
        return new UpstreamRequest("GET", origin, "/", new Headers(), Body.empty());
    }

    /** Sends a GET whose answer stalls after "first": the next read fails within the idle timeout plus a second. */
    private static void stallsAfterFirstAndTimesOut(UpstreamClient client, Origin origin) throws Exception {
        try (UpstreamResponse r = client.send(get(origin))) {
            InputStream body = r.body();
            assertThat(body.readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("first");
            long start = System.nanoTime();
            assertThatThrownBy(() -> body.read(new byte[100])).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE).isLessThan(IDLE.plusSeconds(1));
        }
    }

    @Test
    void aStalledBodyTimesOutAfterTheIdleTimeoutAndItsConnectionIsDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int watchedBefore = ReadDeadlines.watched();
        try (UpstreamClient client = client(null);
                RawServer server = RawServer.start(s -> {
                    RawServer.readRequest(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    release.await(10, TimeUnit.SECONDS);
                })) {
            stallsAfterFirstAndTimesOut(client, server.origin());
            assertThat(client.idleConnections(server.origin())).isZero();
            assertThat(ReadDeadlines.watched()).isEqualTo(watchedBefore);
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void theWatchdogSleepsWhileNoReadWaitsAndWakesToCutTheNextStalledRead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (UpstreamClient client = client(null);
                RawServer server = RawServer.start(s -> {
                    InputStream in = s.getInputStream();
                    RawServer.readRequest(in);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    RawServer.readRequest(in); // the same pooled connection's second request
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    release.await(20, TimeUnit.SECONDS);
                })) {
            try (UpstreamResponse r = client.send(get(server.origin()))) {
                assertThat(r.body().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("ok");
            }
            assertThat(client.idleConnections(server.origin())).isEqualTo(1); // pooled, watched, no read waiting
            long quietFor = ReadDeadlines.QUIET_TICKS * ReadDeadlines.TICK_MILLIS;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietFor * 5);
            while (!ReadDeadlines.asleep() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(ReadDeadlines.asleep()).as("the watchdog sleeps after %d quiet ms", quietFor).isTrue();

            stallsAfterFirstAndTimesOut(client, server.origin());
            release.countDown();
        }
    }

    @Test
    void aSlowButSteadyBodyIsNotCutBecauseTheLimitIsPerRead() throws Exception {
        try (UpstreamClient client = client(null);
                RawServer server = RawServer.start(s -> {
                    RawServer.readRequest(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 6; i++) { // 6 x 150 ms: three times the idle timeout in all
                        Thread.sleep(150);
                        out.write('a' + i);
                        out.flush();
                    }
                })) {
            try (UpstreamResponse r = client.send(get(server.origin()))) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("abcdef");
            }
            assertThat(client.idleConnections(server.origin())).isEqualTo(1);
        }
    }

    @Test
    void aStalledBodyOverTlsTimesOutToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpsServer server = tlsServer(release);
        try (UpstreamClient client = client(TlsTrust.trusting(dir.resolve("ca.pem")))) {
            Origin origin = new Origin("https", "localhost", server.getAddress().getPort());
            stallsAfterFirstAndTimesOut(client, origin);
            assertThat(client.idleConnections(origin)).isZero();
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /** An https server whose every answer sends "first" of a chunked body and then waits for {@code release}. */
    private HttpsServer tlsServer(CountDownLatch release) throws Exception {
        Path keystore = dir.resolve("upstream.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "up", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("up").getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked
            exchange.getResponseBody().write("first".getBytes(StandardCharsets.US_ASCII));
            exchange.getResponseBody().flush();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }
}
