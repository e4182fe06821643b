package dev.portcullis.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking HTTP/1.1 client for proxying, built on plain sockets for virtual threads: one
 * thread per call, no selector, no reactive plumbing, pooled keep-alive connections per origin.
 *
 * <p>{@link #send} returns once the response head has arrived; the body streams from the
 * socket. A pooled connection that turns out dead before any response byte arrives is replaced
 * by a fresh one, once, when the request can be replayed.
 */
public final class UpstreamClient implements AutoCloseable {

    private final UpstreamOptions options;
    private final ConnectionPool pool;
    private final int connectMillis;
    private final int responseMillis;
    private final int idleMillis;
    private final int maxHeaderBytes;
    private volatile SSLSocketFactory tls;

    /** A client with its own pool. */
    public UpstreamClient(UpstreamOptions options) {
        this.options = options;
        this.pool = new ConnectionPool(options.maxIdlePerOrigin(), options.poolIdleTimeout().toNanos());
        this.connectMillis = Durations.millis(options.connectTimeout());
        this.responseMillis = Durations.millis(options.responseTimeout());
        this.idleMillis = Durations.millis(options.idleTimeout());
        this.maxHeaderBytes = options.maxHeaderBytes();
        if (options.sslContext() != null) {
            this.tls = options.sslContext().getSocketFactory();
        }
    }

    /**
     * Sends {@code request} and returns the response with its body still streaming. The caller
     * must close the response (or its body).
     *
     * @throws UpstreamException for connect, timeout, reset, TLS and protocol failures
     * @throws IOException       unchanged, when the request body stream fails
     */
    public UpstreamResponse send(UpstreamRequest request) throws IOException {
        // A replayable request skips the 1 ms liveness probe of a connection idle for a second
        // (an agent's calls are often that far apart): should the connection be dead, it goes
        // again on a fresh one below. Only a streamed body, which cannot be sent twice, waits.
        Connection pooled = pool.acquire(request.origin(), !request.replayable());
        if (pooled != null) {
            UpstreamResponse response = exchange(pooled, request, request.replayable());
            if (response != null) {
                return response;
            }
        }
        return exchange(connect(request.origin()), request, false);
    }

    /** Closes pooled connections idle longer than the pool's idle timeout. */
    public void evictIdle() {
        pool.evictExpired();
    }

    /** Idle pooled connections to {@code origin}. */
    public int idleConnections(Origin origin) {
        return pool.idleCount(origin);
    }

    /** Closes every pooled connection; responses in flight finish on their own connections. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * One request/response on {@code c}. Returns {@code null} when {@code c} broke before any
     * response byte and {@code retryOnFresh} allows trying again elsewhere.
     */
    private UpstreamResponse exchange(Connection c, UpstreamRequest r, boolean retryOnFresh) throws IOException {
        boolean ok = false;
        try {
            c.writer.send(r);
            ResponseHead head = readFinalHead(c);
            c.readTimeout(idleMillis);
            UpstreamResponse response = response(c, r, head);
            ok = true;
            return response;
        } catch (UpstreamResetException e) {
            // an interrupted thread (the client went away) closed the socket itself: no retry
            if (retryOnFresh && e.beforeResponse() && !Thread.currentThread().isInterrupted()) {
                return null;
            }
            throw e;
        } finally {
            if (!ok) {
                c.close();
            }
        }
    }

    private ResponseHead readFinalHead(Connection c) throws IOException {
        long before = c.bytesIn;
        try {
            c.readTimeout(responseMillis);
            while (true) {
                ResponseHead head = ResponseHead.read(c, maxHeaderBytes);
                if (head.status >= 200 || head.status == 101) {
                    return head;
                }
                // 100 Continue, 103 Early Hints: interim, no body; the final response follows
            }
        } catch (SocketTimeoutException e) {
            throw new UpstreamResponseTimeoutException(c.origin,
                    "no response within " + Durations.describe(options.responseTimeout()), e);
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException e) {
            boolean none = c.bytesIn == before;
            throw new UpstreamResetException(c.origin, none
                    ? "the connection was reset before a response arrived"
                    : "the connection broke in the middle of the response head", e, none);
        }
    }

    private UpstreamResponse response(Connection c, UpstreamRequest r, ResponseHead head) {
        int status = head.status;
        boolean reusable = !head.close;
        if (r.method().equals("HEAD") || status < 200 || status == 204 || status == 304) {
            if (reusable && status != 101) {
                pool.release(c);
            } else {
                c.close();
            }
            return new UpstreamResponse(status, head.headers, InputStream.nullInputStream(), 0);
        }
        if (isEventStream(head)) {
            c.wbuf = null; // see Connection.wbuf: long-lived, and nothing more to write until it ends
        }
        if (head.chunked || head.otherTransferEncoding) {
            if (head.contentLength >= 0) {
                head.headers.remove("Content-Length"); // Transfer-Encoding wins (RFC 9112 §6.3)
            }
            InputStream body = head.chunked
                    ? new ResponseBody.Chunked(c, pool, reusable, maxHeaderBytes)
                    : new ResponseBody.UntilClose(c, pool);
            return new UpstreamResponse(status, head.headers, body, -1);
        }
        if (head.contentLength >= 0) {
            ResponseBody body = new ResponseBody.Fixed(c, pool, reusable, head.contentLength);
            return new UpstreamResponse(status, head.headers, body, head.contentLength);
        }
        return new UpstreamResponse(status, head.headers, new ResponseBody.UntilClose(c, pool), -1);
    }

    private static boolean isEventStream(ResponseHead head) {
        String type = head.headers.get("Content-Type");
        return type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private Connection connect(Origin o) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(o.host(), o.port()), connectMillis);
        } catch (SocketTimeoutException e) {
            close(raw);
            throw new UpstreamConnectTimeoutException(o,
                    "no connection within " + Durations.describe(options.connectTimeout()), e);
        } catch (UnknownHostException e) {
            close(raw);
            throw new UpstreamConnectException(o, "unknown host " + o.host(), e);
        } catch (ConnectException e) {
            close(raw);
            throw new UpstreamConnectException(o, "connection refused", e);
        } catch (IOException e) {
            close(raw);
            throw new UpstreamConnectException(o, "cannot connect: " + plain(e), e);
        }
        if (!o.secure()) {
            return new Connection(o, raw, raw);
        }
        try {
            SSLSocket ssl = (SSLSocket) tlsFactory().createSocket(raw, o.host(), o.port(), true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(o.host())) {
                params.setServerNames(List.of(new SNIHostName(o.host())));
            }
            ssl.setSSLParameters(params);
            ssl.setSoTimeout(connectMillis);
            ssl.startHandshake();
            return new Connection(o, ssl, raw);
        } catch (SocketTimeoutException e) {
            close(raw);
            throw new UpstreamConnectTimeoutException(o,
                    "TLS handshake took longer than " + Durations.describe(options.connectTimeout()), e);
        } catch (SSLException e) {
            close(raw);
            throw new UpstreamTlsException(o, "TLS handshake failed: " + plain(e), e);
        } catch (IOException e) {
            close(raw);
            throw new UpstreamConnectException(o, "connection lost during the TLS handshake: " + plain(e), e);
        }
    }

    private SSLSocketFactory tlsFactory() throws IOException {
        SSLSocketFactory f = tls;
        if (f == null) {
            try {
                f = SSLContext.getDefault().getSocketFactory();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException("no default TLS context", e);
            }
            tls = f;
        }
        return f;
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if ((ch < '0' || ch > '9') && ch != '.') {
                return false;
            }
        }
        return true;
    }

    /** An exception message in plain words, lower-cased first letter, never a class name only. */
    private static String plain(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already failed
        }
    }
}
