import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The floor of a reverse proxy on the JVM, for benchmarks/load/run-proxy.sh (targets floor-vt,
 * floor-relay, floor-nio): the least a Java proxy must do to relay the benchmark's traffic, in
 * three shapes, so that the gap between Portcullis and nginx splits into what the I/O model costs
 * and what the gateway adds on top. Not a proxy anyone should run: it understands only what the
 * benchmarks send. Run with the JDK's source launcher or compiled by the scripts; no dependencies.
 *
 * <pre>
 * java FloorProxy.java vt PORT UPSTREAM_PORT
 *     A virtual thread per client connection, blocking reads and writes: Portcullis' model
 *     (Helidon's connection loop and the JDK's poller), without Helidon or the gateway.
 * java FloorProxy.java relay PORT UPSTREAM_PORT
 *     Bytes copied as they come, each direction on its own virtual thread, no HTTP at all.
 * java FloorProxy.java nio PORT UPSTREAM_PORT
 *     Bytes copied as they come by one event-loop thread with a Selector, non-blocking sockets
 *     whose interest never changes: nginx's model (the benchmark's nginx proxy has one worker).
 * </pre>
 *
 * Each pairs every client connection with its own upstream connection, kept as long as the
 * client's. vt forwards the request head as it came and relays the response by its Content-Length:
 * requests must have no body and come one at a time per connection, responses must carry a
 * Content-Length and fit in 64 KiB (wrk and the benchmark's nginx upstream behave so); anything
 * else closes the connection. relay and nio take any HTTP/1.1 exchange, so they also stand in
 * for the gateway in benchmarks/mcp/run-toolcall.sh (TARGET=floor-relay, TARGET=floor-nio).
 */
public final class FloorProxy {

    private static final int REQUEST_BUFFER = 16 * 1024;
    private static final int RESPONSE_BUFFER = 64 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[0].equals("vt") || args[0].equals("nio") || args[0].equals("relay"))) {
            System.err.println("usage: java FloorProxy.java vt|nio|relay PORT UPSTREAM_PORT");
            System.exit(2);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(loopback, Integer.parseInt(args[1])), 1024);
        InetSocketAddress upstream = new InetSocketAddress(loopback, Integer.parseInt(args[2]));
        System.out.println("floor proxy (" + args[0] + ") on " + server.getLocalAddress() + " -> " + upstream);
        if (args[0].equals("vt") || args[0].equals("relay")) {
            boolean http = args[0].equals("vt");
            while (true) {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> {
                    if (http) {
                        relayBlocking(client, upstream);
                    } else {
                        relayBytes(client, upstream);
                    }
                });
            }
        }
        new EventLoop(server, upstream).run();
    }

    // ---- virtual thread per connection ------------------------------------------------------

    private static void relayBlocking(SocketChannel client, InetSocketAddress address) {
        try (client; SocketChannel upstream = SocketChannel.open(address)) {
            noDelay(client);
            noDelay(upstream);
            ByteBuffer request = ByteBuffer.allocate(REQUEST_BUFFER);
            ByteBuffer response = ByteBuffer.allocate(RESPONSE_BUFFER);
            while (true) {
                request.clear();
                while (headEnd(request) < 0) {
                    if (!request.hasRemaining() || client.read(request) < 0) {
                        return;
                    }
                }
                request.flip();
                while (request.hasRemaining()) {
                    upstream.write(request);
                }
                response.clear();
                int total = -1;
                while (total < 0 || response.position() < total) {
                    if (!response.hasRemaining() || upstream.read(response) < 0) {
                        return;
                    }
                    total = total < 0 ? messageLength(response) : total;
                }
                response.flip();
                while (response.hasRemaining()) {
                    client.write(response);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client or the upstream went away: the connection ends
        }
    }

    private static void relayBytes(SocketChannel client, InetSocketAddress address) {
        try (client; SocketChannel upstream = SocketChannel.open(address)) {
            noDelay(client);
            noDelay(upstream);
            Thread back = Thread.ofVirtual().start(() -> copy(upstream, client));
            copy(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the client or the upstream went away: the connection ends
        }
    }

    /** Copies until {@code from} ends, then ends both directions (closing {@code to}). */
    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_BUFFER);
        try {
            while (from.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    to.write(b);
                }
                b.clear();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(to);
        }
    }

    // ---- one event loop ---------------------------------------------------------------------

    /** One selector thread; each pair's two channels stay registered for reads all along. */
    private static final class EventLoop {
        private final ServerSocketChannel server;
        private final InetSocketAddress upstream;
        private final Selector selector;
        private final ByteBuffer buffer = ByteBuffer.allocate(RESPONSE_BUFFER);

        EventLoop(ServerSocketChannel server, InetSocketAddress upstream) throws IOException {
            this.server = server;
            this.upstream = upstream;
            this.selector = Selector.open();
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        }

        void run() throws IOException {
            while (true) {
                selector.select(this::ready);
            }
        }

        private void ready(SelectionKey key) {
            try {
                if (key.isAcceptable()) {
                    accept();
                } else if (key.attachment() instanceof Pair p) {
                    p.relay((SocketChannel) key.channel(), buffer);
                }
            } catch (IOException | RuntimeException e) {
                if (key.attachment() instanceof Pair p) {
                    p.close();
                }
            }
        }

        private void accept() throws IOException {
            SocketChannel client;
            while ((client = server.accept()) != null) {
                SocketChannel up = SocketChannel.open(upstream);
                noDelay(client);
                noDelay(up);
                client.configureBlocking(false);
                up.configureBlocking(false);
                Pair p = new Pair(client, up);
                client.register(selector, SelectionKey.OP_READ, p);
                up.register(selector, SelectionKey.OP_READ, p);
            }
        }
    }

    /** A client connection and its upstream connection. */
    private record Pair(SocketChannel client, SocketChannel upstream) {

        /** Moves what {@code from} has to the other side through the loop's one buffer. */
        void relay(SocketChannel from, ByteBuffer buffer) throws IOException {
            buffer.clear();
            if (from.read(buffer) < 0) {
                close();
                return;
            }
            buffer.flip();
            writeFully(from == client ? upstream : client, buffer);
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /**
     * Writes all of {@code b} to a non-blocking channel. A small message into an empty loopback
     * socket buffer goes in one write; should the buffer be full, this spins rather than keeping
     * write state, which the benchmarks' small messages never need.
     */
    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void noDelay(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    // ---- the little HTTP vt (and FloorHelidon) reads ---------------------------------------

    /** The index just past the blank line ending the head in b[0, position), or -1. */
    static int headEnd(ByteBuffer b) {
        for (int i = 3, n = b.position(); i < n; i++) {
            if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Head plus Content-Length of the response in b[0, position), or -1 while the head is incomplete. */
    static int messageLength(ByteBuffer b) {
        int end = headEnd(b);
        if (end < 0) {
            return -1;
        }
        int at = valueAt(b, end, CONTENT_LENGTH);
        if (at < 0) {
            throw new IllegalStateException("a response without Content-Length");
        }
        int length = 0;
        for (byte c; (c = b.get(at)) != '\n'; at++) {
            if (c >= '0' && c <= '9') {
                length = length * 10 + (c - '0');
            }
        }
        return end + length;
    }

    /**
     * Where the value of the first header named {@code lowerName} (colon included) starts in the
     * head b[0, headEnd), or -1; the value runs to the line's end.
     */
    static int valueAt(ByteBuffer b, int headEnd, byte[] lowerName) {
        for (int line = 0; line < headEnd; ) {
            int next = line;
            while (b.get(next) != '\n') {
                next++;
            }
            if (next - line > lowerName.length && startsWithIgnoreCase(b, line, lowerName)) {
                return line + lowerName.length;
            }
            line = next + 1;
        }
        return -1;
    }

    private static boolean startsWithIgnoreCase(ByteBuffer b, int at, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            if (Character.toLowerCase(b.get(at + i)) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
