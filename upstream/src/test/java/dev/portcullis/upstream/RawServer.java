package dev.portcullis.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server for tests that need byte-level control over the upstream: each accepted
 * connection runs {@link Handler} on its own virtual thread. Counts accepted connections.
 */
public final class RawServer implements AutoCloseable {

    /** Serves one connection. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket) throws Exception;
    }

    /** Answers one parsed request with raw response bytes; {@code null} closes the connection. */
    @FunctionalInterface
    public interface Responder {
        String respond(Req request) throws Exception;
    }

    /** A request as the upstream received it. Header names lower-cased. */
    public record Req(String method, String target, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Every request parsed by {@link #http} servers, in arrival order. */
    public final CopyOnWriteArrayList<Req> requests = new CopyOnWriteArrayList<>();

    private RawServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.serve(s);
                        } catch (Exception ignored) {
                            // peers in these tests break connections on purpose
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** A server running {@code handler} per connection. */
    public static RawServer start(Handler handler) throws IOException {
        return new RawServer(handler);
    }

    /** A keep-alive HTTP/1.1 server: parses requests in a loop and writes what {@code responder} returns. */
    public static RawServer http(Responder responder) throws IOException {
        RawServer[] self = new RawServer[1];
        self[0] = new RawServer(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Req req;
            while ((req = readRequest(in)) != null) {
                self[0].requests.add(req);
                String response = responder.respond(req);
                if (response == null) {
                    return;
                }
                out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        return self[0];
    }

    /** A plain 200 response with a text body and Content-Length. */
    public static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nContent-Type: text/plain\r\n\r\n" + body;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    public int port() {
        return server.getLocalPort();
    }

    public Origin origin() {
        return new Origin("http", "127.0.0.1", port());
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Reads one request (Content-Length or chunked body); {@code null} at end of stream. */
    public static Req readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = readLine(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + "\n" + b);
        }
        byte[] body = new byte[0];
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int size;
            while ((size = Integer.parseInt(readLine(in).trim(), 16)) > 0) {
                all.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in);
            body = all.toByteArray();
        }
        return new Req(parts[0], parts[1], headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
