import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two ends of benchmarks/load/run-streams.sh, in one source file run with the JDK's
 * source launcher ({@code java SseStreams.java ...}; no build, no dependencies).
 *
 * <pre>
 * java SseStreams.java upstream PORT HEARTBEAT_SECONDS
 *     An SSE server on 127.0.0.1:PORT. Every GET gets 200 text/event-stream (chunked), one event
 *     "data: ready" at once, then a comment line ": ping" every HEARTBEAT_SECONDS (0 = never):
 *     an idle stream as an LLM or MCP notification stream is most of its life. One virtual
 *     thread per connection.
 *
 * java SseStreams.java hold URL N HOLD_SECONDS [RAMP_PARALLEL]
 *     Opens N streams to URL (raw HTTP/1.1 over sockets, one virtual thread each, at most
 *     RAMP_PARALLEL (default 200) connecting at once), waits for each one's status line and first
 *     event, prints "OPEN n ms" when all N have their first event (or "OPEN-FAILED ..." with the
 *     count that did), keeps reading every stream for HOLD_SECONDS, then prints one line:
 *     "RESULT requested=N opened=.. first_event=.. open_at_end=.. closed_early=.. failed=.. open_ms=.."
 *     and exits 0 only if every stream opened and stayed open to the end.
 * </pre>
 */
public final class SseStreams {

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "upstream" -> upstream(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "hold" -> System.exit(hold(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 200));
            default -> {
                System.err.println("usage: java SseStreams.java upstream PORT HEARTBEAT_SECONDS | hold URL N HOLD_SECONDS [RAMP_PARALLEL]");
                System.exit(2);
            }
        }
    }

    // --- upstream --------------------------------------------------------------------------------

    private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private static void upstream(int port, int heartbeatSeconds) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8192);
        System.out.println("LISTENING " + port);
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> serve(s, heartbeatSeconds));
        }
    }

    private static void serve(Socket s, int heartbeatSeconds) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            if (!skipHead(in)) {
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(HEAD);
            out.write(chunk("data: ready\n\n"));
            out.flush();
            byte[] ping = chunk(": ping\n\n");
            while (true) {
                if (heartbeatSeconds <= 0) {
                    // idle for good: wait for the gateway to hang up
                    if (in.read() < 0) {
                        return;
                    }
                    continue;
                }
                Thread.sleep(heartbeatSeconds * 1000L);
                out.write(ping);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the gateway closed the stream: done
        }
    }

    /** Reads up to the blank line that ends a request head; false at end of stream. */
    private static boolean skipHead(InputStream in) throws IOException {
        int state = 0; // how much of CRLF CRLF has been seen
        int b;
        while ((b = in.read()) >= 0) {
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : b == '\r' ? 1 : 0;
                case 3 -> b == '\n' ? 4 : b == '\r' ? 1 : 0;
                default -> 0;
            };
            if (state == 4) {
                return true;
            }
        }
        return false;
    }

    private static byte[] chunk(String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        byte[] size = (Integer.toHexString(d.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size.length + d.length + 2];
        System.arraycopy(size, 0, out, 0, size.length);
        System.arraycopy(d, 0, out, size.length, d.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    // --- holder ----------------------------------------------------------------------------------

    private static int hold(URI url, int n, int holdSeconds, int rampParallel) throws InterruptedException {
        String host = url.getHost();
        int port = url.getPort();
        byte[] request = ("GET " + (url.getRawPath().isEmpty() ? "/" : url.getRawPath()) + " HTTP/1.1\r\nHost: " + host + ':' + port
                + "\r\nAccept: text/event-stream\r\nUser-Agent: sse-streams\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger firstEvent = new AtomicInteger();
        AtomicInteger alive = new AtomicInteger();
        AtomicInteger closedEarly = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> anError = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        Semaphore ramp = new Semaphore(rampParallel);
        Socket[] sockets = new Socket[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            sockets[i] = s;
            Thread.ofVirtual().start(() -> {
                boolean isOpen = false;
                try (s) {
                    InputStream in;
                    ramp.acquire();
                    try {
                        s.connect(new InetSocketAddress(host, port), 10_000);
                        s.setSoTimeout(0);
                        s.getOutputStream().write(request);
                        in = new BufferedInputStream(s.getInputStream(), 512);
                        String status = line(in);
                        if (status == null || !status.startsWith("HTTP/1.1 200")) {
                            throw new IOException("status line " + status);
                        }
                        for (String h = line(in); h == null || !h.isEmpty(); h = line(in)) {
                            if (h == null) {
                                throw new IOException("closed inside the response head");
                            }
                        }
                        opened.incrementAndGet();
                        if (!untilText(in, "ready")) {
                            throw new IOException("closed before the first event");
                        }
                    } finally {
                        ramp.release();
                    }
                    firstEvent.incrementAndGet();
                    alive.incrementAndGet();
                    isOpen = true;
                    ready.countDown();
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // heartbeats: the stream is alive
                    }
                    if (!stop.get()) {
                        closedEarly.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    if (!stop.get()) {
                        failed.incrementAndGet();
                        anError.compareAndSet(null, e.toString());
                    }
                } finally {
                    if (isOpen && !stop.get()) {
                        alive.decrementAndGet();
                    }
                    if (!isOpen) {
                        ready.countDown();
                    }
                    done.countDown();
                }
            });
        }
        ready.await(Math.max(60, n / 10), TimeUnit.SECONDS);
        long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (firstEvent.get() == n) {
            System.out.println("OPEN " + n + " " + openMs);
        } else {
            System.out.println("OPEN-FAILED " + firstEvent.get() + " of " + n + " " + openMs
                    + (anError.get() != null ? " " + anError.get() : ""));
        }
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
        int openAtEnd = alive.get();
        stop.set(true);
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        done.await(30, TimeUnit.SECONDS);
        System.out.println("RESULT requested=" + n + " opened=" + opened.get() + " first_event=" + firstEvent.get()
                + " open_at_end=" + openAtEnd + " closed_early=" + closedEarly.get() + " failed=" + failed.get()
                + " open_ms=" + openMs + (anError.get() != null ? " error=\"" + anError.get() + '"' : ""));
        return openAtEnd == n ? 0 : 1;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
        return null;
    }

    /** Reads until {@code text} has been seen; false at end of stream. */
    private static boolean untilText(InputStream in, String text) throws IOException {
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            matched = b == text.charAt(matched) ? matched + 1 : (b == text.charAt(0) ? 1 : 0);
            if (matched == text.length()) {
                return true;
            }
        }
        return false;
    }
}
