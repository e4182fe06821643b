package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import dev.portcullis.spi.UpstreamHttp;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https upstreams against a JDK HttpsServer with a throwaway self-signed certificate. */
class UpstreamTlsTest {

    @TempDir
    static Path dir;
    static HttpsServer server;
    static Path caFile;
    static final AtomicInteger connections = new AtomicInteger();
    static final CountDownLatch releaseStall = new CountDownLatch(1);

    @BeforeAll
    static void startServer() throws Exception {
        Path keystore = dir.resolve("upstream.p12");
        caFile = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "up", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        // the self-signed certificate is its own CA: write it as PEM for TlsTrust
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("up").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(caFile, pem);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            byte[] body = ("secure " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/stall", exchange -> {
            exchange.sendResponseHeaders(200, 10);
            exchange.getResponseBody().write("ab".getBytes(StandardCharsets.US_ASCII));
            exchange.getResponseBody().flush();
            try {
                releaseStall.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        releaseStall.countDown();
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static UpstreamRequest get(String host) {
        return new UpstreamRequest("GET", new Origin("https", host, server.getAddress().getPort()), "/", new Headers(), Body.empty());
    }

    @Test
    void trustsTheConfiguredCaVerifiesTheHostNameAndReusesTheConnection() throws Exception {
        SSLContext trust = TlsTrust.trusting(caFile);
        try (UpstreamClient client = new UpstreamClient(new UpstreamOptions(null, null, null, null, null, null, trust))) {
            for (int i = 0; i < 2; i++) {
                try (UpstreamResponse r = client.send(get("localhost"))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("secure localhost:" + server.getAddress().getPort());
                }
            }
            assertThat(client.idleConnections(get("localhost").origin())).isEqualTo(1);
        }
    }

    @Test
    void anUntrustedCertificateIsATlsFailure() {
        try (UpstreamClient client = new UpstreamClient(UpstreamOptions.defaults())) {
            assertThatThrownBy(() -> client.send(get("localhost")))
                    .isInstanceOf(UpstreamTlsException.class)
                    .hasMessageStartingWith("TLS handshake failed: ");
        }
    }

    @Test
    void thePluginClientSpeaksHttpsAndReusesTheConnection() throws Exception {
        UpstreamHttp.Options options = UpstreamHttp.Options.defaults();
        URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/");
        try (SpiUpstreamHttp http = new SpiUpstreamHttp(SpiUpstreamHttp.options(options, TlsTrust.trusting(caFile)), null)) {
            for (int i = 0; i < 2; i++) {
                try (UpstreamHttp.Reply r = http.send("GET", uri, new Headers(), Body.empty())) {
                    assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("secure localhost:" + server.getAddress().getPort());
                }
            }
            assertThat(http.idleConnections(uri)).isEqualTo(1);
        }
        // as plugins get it: the JDK's default trust store, which does not know this certificate
        try (UpstreamHttp http = SpiUpstreamHttp.of(options, null)) {
            assertThatThrownBy(() -> http.send("GET", uri, new Headers(), Body.empty()))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("TLS handshake failed: ");
        }
    }

    /** The llm backend's stream watchdog closes a reply from another thread while its reader is blocked. */
    @Test
    void closingAReplyFromAnotherThreadUnblocksATlsBodyRead() throws Exception {
        URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/stall");
        try (SpiUpstreamHttp http = new SpiUpstreamHttp(SpiUpstreamHttp.options(UpstreamHttp.Options.defaults(),
                TlsTrust.trusting(caFile)), null)) {
            UpstreamHttp.Reply r = http.send("GET", uri, new Headers(), Body.empty());
            assertThat(r.body().readNBytes(2)).hasSize(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch reading = new CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    reading.countDown();
                    failure.set(new AssertionError("read " + r.body().read()));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100); // let the reader block in the socket read
            long start = System.nanoTime();
            r.close();
            reader.join(Duration.ofSeconds(5));
            assertThat(reader.isAlive()).as("the reader was unblocked").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(failure.get()).isInstanceOf(IOException.class);
        }
    }
}
