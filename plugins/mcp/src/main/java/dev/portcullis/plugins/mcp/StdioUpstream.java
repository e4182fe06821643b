package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP server the gateway launches and speaks to over stdio (newline-delimited JSON-RPC on its
 * stdin and stdout), exposed to the {@link Federation} like an HTTP upstream.
 *
 * <p>One process serves every client session: the gateway initializes it once (and again after
 * each restart) and answers each session's {@code initialize} with that result. Request ids and
 * progress tokens are rewritten to the gateway's own, so sessions cannot collide, and restored on
 * the way back; each request's progress and response come back as its own event stream. Other
 * notifications (list changes, log messages) go to every open GET stream. Requests the server sends
 * to the client (sampling, roots, elicitation) are refused by the gateway, since one process has
 * no single client to ask; {@code ping} is answered.
 *
 * <p>A process that exits is restarted with exponential backoff (0.5 s doubling to 30 s, reset once
 * it has run for a minute); requests in flight get a JSON-RPC error. At most
 * {@code maxConcurrentRequests} requests are in flight; more wait up to the request timeout.
 */
final class StdioUpstream implements Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(StdioUpstream.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE = Duration.ofMinutes(1);
    private static final String CLIENT_VERSION = "2025-11-25";

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path workingDirectory;
    private final Duration timeout;
    private final Semaphore inFlight;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Open GET streams by the pseudo session id each client session got at initialize. */
    private final Map<String, Set<BlockingQueue<byte[]>>> listeners = new ConcurrentHashMap<>();
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The running process once initialized; replaced by a new future on each restart. */
    private volatile CompletableFuture<Running> ready = new CompletableFuture<>();
    private volatile int failures;
    private final AtomicLong restarts = new AtomicLong();

    /** A started, initialized process. */
    private record Running(Process process, OutputStream stdin, JsonNode initResult, long startedNanos) {}

    /** A request in flight: where its messages go, and what to restore. */
    private static final class Pending {
        final JsonNode originalId;
        final JsonNode originalToken;
        final String token;
        final BlockingQueue<byte[]> events = new LinkedBlockingQueue<>();

        Pending(JsonNode originalId, JsonNode originalToken, String token) {
            this.originalId = originalId;
            this.originalToken = originalToken;
            this.token = token;
        }
    }

    /** The end of a request's event stream. */
    private static final byte[] END = new byte[0];

    StdioUpstream(McpServerConfig config, Path configDir, Duration timeout) {
        this.name = config.name();
        List<String> cmd = new ArrayList<>();
        cmd.add(config.command());
        cmd.addAll(config.args());
        this.command = List.copyOf(cmd);
        this.env = config.env();
        this.workingDirectory = config.workingDirectory() == null ? configDir : configDir.resolve(config.workingDirectory());
        this.timeout = timeout;
        this.inFlight = new Semaphore(config.maxConcurrentRequests(), true);
        Thread.ofVirtual().name("mcp-stdio-start-" + name).start(this::startLoop);
    }

    @Override
    public String name() {
        return name;
    }

    /** How often the process was restarted after exiting (for tests and operators). */
    long restarts() {
        return restarts.get();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the process, retrying with backoff until it runs and answers initialize. */
    private void startLoop() {
        while (!closed.get()) {
            try {
                Running r = start();
                ready.complete(r);
                return;
            } catch (IOException e) {
                int n = ++failures;
                long delay = Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(n - 1, 10));
                LOG.warn("MCP stdio server {} could not start ({}); retrying in {} ms", name, e.getMessage(), delay);
                sleep(delay);
            }
        }
    }

    private Running start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread.ofVirtual().name("mcp-stdio-stderr-" + name).start(() -> drainStderr(p));
        OutputStream stdin = p.getOutputStream();
        CompletableFuture<JsonNode> init = new CompletableFuture<>();
        Thread.ofVirtual().name("mcp-stdio-reader-" + name).start(() -> readLoop(p, init));
        ObjectNode params = JsonRpc.NODES.objectNode();
        params.put("protocolVersion", CLIENT_VERSION);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "portcullis").put("version", "0.1.0");
        write(stdin, JsonRpc.request(TextNode.valueOf("portcullis-init"), "initialize", params));
        JsonNode result;
        try {
            result = init.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("no answer to initialize: " + (e instanceof TimeoutException ? "timed out" : e.getCause()));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        write(stdin, JsonRpc.notification("notifications/initialized", null));
        LOG.info("MCP stdio server {} started (pid {}, protocol {})", name, p.pid(), result.path("protocolVersion").asText());
        return new Running(p, stdin, result, System.nanoTime());
    }

    /** Reads the process's stdout until it ends, then fails what was in flight and restarts it. */
    private void readLoop(Process p, CompletableFuture<JsonNode> init) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode m;
                try {
                    m = JsonRpc.MAPPER.readTree(line);
                } catch (IOException e) {
                    LOG.debug("MCP stdio server {} wrote a line that is not JSON; ignored", name);
                    continue;
                }
                if (m != null) {
                    dispatch(p, m, init);
                }
            }
        } catch (IOException e) {
            LOG.debug("MCP stdio server {}: stdout ended: {}", name, e.toString());
        }
        init.completeExceptionally(new IOException("the process exited"));
        exited(p);
    }

    private void exited(Process p) {
        CompletableFuture<Running> was = ready;
        Running r = was.getNow(null);
        if (r == null || r.process() != p || closed.get()) {
            return; // a start attempt that failed (retried by startLoop), or shutting down
        }
        ready = new CompletableFuture<>();
        int code;
        try {
            code = p.waitFor(2, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        for (Pending pend : pending.values()) {
            ObjectNode err = JsonRpc.error(pend.originalId, JsonRpc.GATEWAY_ERROR, "MCP stdio server '" + name + "' exited; try again");
            pend.events.add(frame(err));
            pend.events.add(END);
        }
        pending.clear();
        restarts.incrementAndGet();
        if (System.nanoTime() - r.startedNanos() > STABLE.toNanos()) {
            failures = 0;
        }
        int n = ++failures;
        long delay = Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(n - 1, 10));
        LOG.warn("MCP stdio server {} exited with code {}; restarting in {} ms", name, code, delay);
        Thread.ofVirtual().name("mcp-stdio-restart-" + name).start(() -> {
            sleep(delay);
            startLoop();
        });
    }

    private void drainStderr(Process p) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("[{}] {}", name, line.length() > 500 ? line.substring(0, 500) + "..." : line);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    // ---------------------------------------------------------------- messages from the process

    private void dispatch(Process p, JsonNode m, CompletableFuture<JsonNode> init) {
        switch (JsonRpc.kind(m)) {
            case RESPONSE -> {
                JsonNode id = m.get("id");
                if (!init.isDone() && id.isTextual() && id.textValue().equals("portcullis-init")) {
                    if (m.has("result")) {
                        init.complete(m.get("result"));
                    } else {
                        init.completeExceptionally(new IOException(m.path("error").path("message").asText("initialize failed")));
                    }
                    return;
                }
                Pending pend = pending.remove(id.asText());
                if (pend != null) {
                    ((ObjectNode) m).set("id", pend.originalId);
                    pend.events.add(frame(m));
                    pend.events.add(END);
                }
            }
            case NOTIFICATION -> {
                String method = m.get("method").textValue();
                if (method.equals("notifications/progress")) {
                    JsonNode token = m.path("params").path("progressToken");
                    Pending pend = token.isTextual() ? pending.get(token.textValue().substring(1)) : null;
                    if (pend != null && pend.originalToken != null) {
                        ((ObjectNode) m.get("params")).set("progressToken", pend.originalToken);
                        pend.events.add(frame(m));
                    }
                    return;
                }
                byte[] f = frame(m);
                for (Set<BlockingQueue<byte[]>> session : listeners.values()) {
                    for (BlockingQueue<byte[]> l : session) {
                        if (!l.offer(f)) {
                            LOG.debug("MCP stdio server {}: a slow GET stream missed a notification", name);
                        }
                    }
                }
            }
            case REQUEST -> {
                // one process, many clients: nobody to ask; answer so the server does not wait
                String method = m.get("method").textValue();
                ObjectNode answer = method.equals("ping") ? JsonRpc.result(m.get("id"), JsonRpc.NODES.objectNode())
                        : JsonRpc.error(m.get("id"), JsonRpc.METHOD_NOT_FOUND, "the gateway does not relay " + method
                                + " from a stdio server to its clients");
                Running r = ready.getNow(null);
                if (r != null && r.process() == p) {
                    try {
                        write(r.stdin(), answer);
                    } catch (IOException ignored) {
                        // the process is going away
                    }
                }
            }
            default -> LOG.debug("MCP stdio server {} wrote an invalid JSON-RPC message; ignored", name);
        }
    }

    // ---------------------------------------------------------------- Upstream

    @Override
    public Reply post(Requester requester, String sessionId, String version, byte[] message) throws IOException {
        JsonNode m = JsonRpc.MAPPER.readTree(message);
        JsonRpc.Kind kind = m == null ? JsonRpc.Kind.INVALID : JsonRpc.kind(m);
        if (kind == JsonRpc.Kind.NOTIFICATION) {
            String method = m.get("method").textValue();
            // initialized: the gateway already sent it; cancelled: names another session's ids
            if (!method.equals("notifications/initialized") && !method.equals("notifications/cancelled")) {
                write(running().stdin(), m);
            }
            return accepted();
        }
        if (kind != JsonRpc.Kind.REQUEST) {
            return accepted(); // answers to server requests: the gateway answered those itself
        }
        Running r = running();
        if (m.get("method").textValue().equals("initialize")) {
            // a pseudo session per client session, so its GET stream can be ended by its DELETE
            byte[] b = JsonRpc.bytes(JsonRpc.result(m.get("id"), r.initResult()));
            return new Reply(200, "application/json", "stdio-" + UUID.randomUUID(), b.length, new ByteArrayInputStream(b));
        }
        try {
            if (!inFlight.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SocketTimeoutException("MCP stdio server " + name + " has too many requests in flight");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        String id = Long.toString(ids.incrementAndGet());
        ObjectNode out = ((ObjectNode) m).deepCopy();
        out.set("id", LongNode.valueOf(Long.parseLong(id)));
        JsonNode meta = out.path("params").path("_meta");
        JsonNode token = meta.isObject() ? meta.get("progressToken") : null;
        if (token != null) {
            ((ObjectNode) meta).put("progressToken", "p" + id);
        }
        Pending pend = new Pending(m.get("id"), token, "p" + id);
        pending.put(id, pend);
        try {
            write(r.stdin(), out);
        } catch (IOException e) {
            pending.remove(id);
            inFlight.release();
            throw e;
        }
        return new Reply(200, "text/event-stream", null, -1, new EventsStream(pend.events, () -> {
            pending.remove(id);
            inFlight.release();
        }));
    }

    @Override
    public Reply get(Requester requester, String sessionId, String version, String lastEventId) throws IOException {
        running();
        String key = sessionId == null ? "" : sessionId;
        BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(256);
        listeners.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(queue);
        return new Reply(200, "text/event-stream", null, -1, new EventsStream(queue, () -> {
            Set<BlockingQueue<byte[]>> session = listeners.get(key);
            if (session != null) {
                session.remove(queue);
            }
        }));
    }

    // a stdio server's messages carry no event ids: nothing to resume, lastEventId is ignored

    /** The process serves every session: ending one only ends that session's GET streams. */
    @Override
    public int delete(Requester requester, String sessionId, String version) {
        Set<BlockingQueue<byte[]>> session = sessionId == null ? null : listeners.remove(sessionId);
        if (session != null) {
            session.forEach(q -> q.offer(END));
        }
        return 200;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.values().forEach(session -> session.forEach(q -> q.offer(END)));
        Running r = ready.getNow(null);
        if (r != null) {
            Process p = r.process();
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        ready.completeExceptionally(new IOException("closed"));
    }

    private Running running() throws IOException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("MCP stdio server " + name + " is not running (starting or restarting)");
        } catch (ExecutionException e) {
            throw new IOException("MCP stdio server " + name + " is closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    private void write(OutputStream stdin, JsonNode m) throws IOException {
        byte[] line = JsonRpc.bytes(m);
        writing.lock();
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } finally {
            writing.unlock();
        }
    }

    private static byte[] frame(JsonNode m) {
        return ("event: message\ndata: " + m + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Reply accepted() {
        return new Reply(202, "", null, 0, InputStream.nullInputStream());
    }

    private static Reply json(JsonNode m) {
        byte[] b = JsonRpc.bytes(m);
        return new Reply(200, "application/json", null, b.length, new ByteArrayInputStream(b));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Event-stream bytes fed from a queue of frames; ends at {@link #END}; closing it runs {@code onClose} once. */
    private static final class EventsStream extends InputStream {
        private final BlockingQueue<byte[]> frames;
        private final Runnable onClose;
        private final AtomicBoolean closed = new AtomicBoolean();
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        EventsStream(BlockingQueue<byte[]> frames, Runnable onClose) {
            this.frames = frames;
            this.onClose = onClose;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == current.length) {
                if (ended || closed.get()) {
                    return -1;
                }
                try {
                    byte[] next = frames.take();
                    if (next == END) {
                        ended = true;
                        return -1;
                    }
                    current = next;
                    pos = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the stdio server");
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                onClose.run();
                frames.offer(END); // wakes a reader blocked in take()
            }
        }
    }
}
