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
import java.util.concurrent.atomic.AtomicInteger;
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
        server.start();
    }

    @AfterAll
    static void stopServer() {
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
}
