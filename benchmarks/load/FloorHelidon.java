import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Helidon's share of the gateway, for benchmarks/load/run-proxy.sh (target floor-helidon): the
 * Helidon 4 web server Portcullis runs on (same HTTP/1.1 settings), with a handler that relays the
 * benchmark's GET /ping to the upstream over a socket of its own per client connection, reading
 * nothing but the status, Content-Type and Content-Length (with FloorProxy's head parsing).
 * Between FloorProxy vt (no Helidon) and Portcullis (Helidon plus routing, policies, the upstream
 * pool and response copying), it splits the gateway's cost into Helidon's and Portcullis' own.
 *
 * <pre>
 * javac -cp 'DIST/lib/*' -d classes FloorProxy.java FloorHelidon.java
 * java -cp 'classes:DIST/lib/*' FloorHelidon PORT UPSTREAM_PORT
 * </pre>
 *
 * Requests must have no body; answers must carry a Content-Length and fit in 64 KiB.
 */
public final class FloorHelidon {

    private static final byte[] CONTENT_TYPE = "content-type:".getBytes(StandardCharsets.US_ASCII);

    private static int upstreamPort;

    /** Helidon serves a connection's requests on that connection's virtual thread. */
    private static final ThreadLocal<Upstream> UPSTREAM = ThreadLocal.withInitial(() -> {
        try {
            return new Upstream(new Socket(InetAddress.getLoopbackAddress(), upstreamPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    });

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -cp 'classes:DIST/lib/*' FloorHelidon PORT UPSTREAM_PORT");
            System.exit(2);
        }
        upstreamPort = Integer.parseInt(args[1]);
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .shutdownHook(false)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .maxPayloadSize(-1)
                .addProtocol(Http1Config.builder().validatePath(false).build())
                .routing(r -> r.any(FloorHelidon::relay))
                .build()
                .start();
        System.out.println("floor proxy (helidon) on " + server.port() + " -> " + upstreamPort);
    }

    private static void relay(ServerRequest req, ServerResponse res) throws IOException {
        Upstream up = UPSTREAM.get();
        try {
            up.out.write(("GET " + req.path().rawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            up.out.flush();
            up.readAnswer();
            int headEnd = FloorProxy.headEnd(up.buffer);
            res.status(Status.create(up.status()));
            String type = up.headerValue(CONTENT_TYPE, headEnd);
            if (type != null) {
                res.header(HeaderNames.CONTENT_TYPE, type);
            }
            res.send(Arrays.copyOfRange(up.buffer.array(), headEnd, up.buffer.position()));
        } catch (IOException | RuntimeException e) {
            UPSTREAM.remove();
            up.socket.close();
            throw e;
        }
    }

    /** One kept-alive upstream connection and the buffer its answers are read into. */
    private static final class Upstream {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

        Upstream(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one whole answer into the buffer (its head parsed by FloorProxy's helpers). */
        void readAnswer() throws IOException {
            buffer.clear();
            int total = -1;
            while (total < 0 || buffer.position() < total) {
                int n = in.read(buffer.array(), buffer.position(), buffer.remaining());
                if (n < 0 || n == buffer.remaining()) {
                    throw new IOException("the upstream closed, or its answer is over 64 KiB");
                }
                buffer.position(buffer.position() + n);
                total = total < 0 ? FloorProxy.messageLength(buffer) : total;
            }
        }

        int status() {
            return (buffer.get(9) - '0') * 100 + (buffer.get(10) - '0') * 10 + (buffer.get(11) - '0');
        }

        /** The trimmed value of the first header named {@code lowerName} (with its colon), or null. */
        String headerValue(byte[] lowerName, int headEnd) {
            int at = FloorProxy.valueAt(buffer, headEnd, lowerName);
            if (at < 0) {
                return null;
            }
            int end = at;
            while (buffer.get(end) != '\n') {
                end++;
            }
            return new String(buffer.array(), at, end - at, StandardCharsets.US_ASCII).trim();
        }
    }
}
