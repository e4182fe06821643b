package dev.portcullis.kernel.server;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.upstream.HopByHop;
import dev.portcullis.spi.QueryStrings;
import dev.portcullis.spi.Request;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SPI's {@link Request} over a Helidon request. Headers are copied once (policies may change
 * them) without hop-by-hop headers and without Content-Length, which lives in {@link Body#length()}
 * so a replaced body can never disagree with it.
 */
public final class ServerRequestView implements Request {

    private final ServerRequest req;
    private final String method;
    private final String path;
    private final String rawPath;
    private final String host;
    private final Headers headers;
    /** The client's Connection header has the {@code close} option. */
    private boolean connectionClose;
    private final long maxBody;
    private Map<String, String> pathParams = Map.of();
    private Map<String, List<String>> queryParams;
    private String rawQuery;
    private Body body;
    private InputStream rawBody;

    /**
     * Wraps {@code req}; {@code path} is the already normalised path, {@code maxBody} the most
     * body bytes the client may send.
     */
    public ServerRequestView(ServerRequest req, String method, String rawPath, String path, long maxBody) {
        this.req = req;
        this.maxBody = maxBody;
        this.method = method;
        this.rawPath = rawPath;
        this.path = path;
        this.headers = copyHeaders(req);
        this.host = hostOf(req.authority());
    }

    private Headers copyHeaders(ServerRequest req) {
        Headers h = new Headers(req.headers().size() + 4);
        String connection = null;
        for (Header header : req.headers()) {
            String name = header.name();
            if (HopByHop.is(name)) {
                if (name.equalsIgnoreCase("Connection")) {
                    connection = header.values();
                }
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length")) {
                continue;
            }
            if (header.valueCount() == 1) {
                h.add(name, header.get());
            } else {
                for (String v : header.allValues()) {
                    h.add(name, v);
                }
            }
        }
        if (connection != null) {
            connectionClose = HopByHop.removeNamedIn(connection, h);
        }
        return h;
    }

    static String hostOf(String authority) {
        if (authority == null) {
            return "";
        }
        String a = authority;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(0, end + 1).toLowerCase(Locale.ROOT) : a.toLowerCase(Locale.ROOT);
        }
        int colon = a.indexOf(':');
        return (colon >= 0 ? a.substring(0, colon) : a).toLowerCase(Locale.ROOT);
    }

    /** Sets the values of a template route. */
    public void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String rawQuery() {
        if (rawQuery == null) {
            String q = req.query().rawValue();
            rawQuery = q == null ? "" : q;
        }
        return rawQuery;
    }

    @Override
    public void rawQuery(String rawQuery) {
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        this.queryParams = null;
    }

    @Override
    public Map<String, List<String>> queryParams() {
        if (queryParams == null) {
            queryParams = QueryStrings.parse(rawQuery());
        }
        return queryParams;
    }


    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Body body() {
        if (body == null) {
            body = openBody();
        }
        return body;
    }

    private Body openBody() {
        var declared = req.headers().contentLength();
        boolean chunked = req.headers().contains(io.helidon.http.HeaderNames.TRANSFER_ENCODING);
        if (declared.isPresent()) {
            long len = declared.getAsLong();
            return len == 0 ? Body.empty() : Body.of(new RequestBodyStream(rawBody(), maxBody), len);
        }
        return chunked ? Body.of(new RequestBodyStream(rawBody(), maxBody), -1) : Body.empty();
    }

    /** The listener's body stream, without the size limit (opened once; for draining what is left). */
    InputStream rawBody() {
        if (rawBody == null) {
            rawBody = req.content().inputStream();
        }
        return rawBody;
    }

    @Override
    public void body(Body body) {
        this.body = body;
    }

    @Override
    public String scheme() {
        return req.isSecure() ? "https" : "http";
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        SocketAddress a = req.remotePeer().address();
        return a instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public String clientIp() {
        InetSocketAddress a = remoteAddress();
        return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
    }

    /** Whether the client asked to close the connection after this request ({@code Connection: close}). */
    public boolean connectionClose() {
        return connectionClose;
    }

    /** Whether the client sent a body that nobody read (it must be drained or the connection closed). */
    public boolean bodyUnread() {
        return body == null;
    }
}
