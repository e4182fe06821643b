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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Helidon's share of the gateway, for benchmarks/load/run-proxy.sh (target floor-helidon): the
 * Helidon 4 web server Portcullis runs on (same HTTP/1.1 settings), with a handler that relays the
 * benchmark's GET /ping to the upstream over a socket of its own per client connection, reading
 * nothing but the status, Content-Type and Content-Length. Between benchmarks/load/FloorProxy.java
 * vt (no Helidon) and Portcullis (Helidon plus routing, policies, the upstream pool and response
 * copying), it splits the gateway's cost into Helidon's and Portcullis' own.
 *
 * <pre>
 * java -cp 'DIST/lib/*' FloorHelidon.java PORT UPSTREAM_PORT
 * </pre>
 *
 * Requests must have no body; answers must carry a Content-Length and fit in 64 KiB.
 */
public final class FloorHelidon {

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
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
            System.err.println("usage: java -cp 'DIST/lib/*' FloorHelidon.java PORT UPSTREAM_PORT");
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
            int headEnd = up.readAnswer();
            res.status(Status.create(up.status()));
            String type = up.headerValue(CONTENT_TYPE, headEnd);
            if (type != null) {
                res.header(HeaderNames.CONTENT_TYPE, type);
            }
            res.send(Arrays.copyOfRange(up.buffer, headEnd, up.length));
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
        final byte[] buffer = new byte[64 * 1024];
        int length;

        Upstream(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one whole answer into the buffer; returns where its body starts. */
        int readAnswer() throws IOException {
            length = 0;
            int headEnd = -1;
            int total = -1;
            while (total < 0 || length < total) {
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0 || length + n == buffer.length) {
                    throw new IOException("the upstream closed, or its answer is over 64 KiB");
                }
                length += n;
                if (headEnd < 0 && (headEnd = headEnd()) >= 0) {
                    String contentLength = headerValue(CONTENT_LENGTH, headEnd);
                    if (contentLength == null) {
                        throw new IOException("an answer without Content-Length");
                    }
                    total = headEnd + Integer.parseInt(contentLength);
                }
            }
            return headEnd;
        }

        int status() {
            return (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
        }

        private int headEnd() {
            for (int i = 3; i < length; i++) {
                if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        /** The trimmed value of the first header named {@code lowerName} (with its colon), or null. */
        String headerValue(byte[] lowerName, int headEnd) {
            for (int line = 0; line < headEnd; ) {
                int next = line;
                while (buffer[next] != '\n') {
                    next++;
                }
                if (next - line > lowerName.length && startsWithIgnoreCase(line, lowerName)) {
                    return new String(buffer, line + lowerName.length, next - line - lowerName.length,
                            StandardCharsets.US_ASCII).trim();
                }
                line = next + 1;
            }
            return null;
        }

        private boolean startsWithIgnoreCase(int at, byte[] lower) {
            for (int i = 0; i < lower.length; i++) {
                if (Character.toLowerCase(buffer[at + i]) != lower[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
