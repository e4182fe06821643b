package dev.portcullis.plugins.mcp;

import java.io.IOException;
import java.io.InputStream;

/**
 * One upstream MCP server as the {@link Federation} sees it: Streamable HTTP semantics (a POST per
 * message answered with JSON or an event stream, a GET stream, DELETE), whether the server is
 * reached over HTTP ({@link HttpUpstream}) or is a local process spoken to over stdio
 * ({@link StdioUpstream}). Nothing the client sent reaches an upstream but the JSON-RPC message.
 */
interface Upstream extends AutoCloseable {

    String SESSION_HEADER = "Mcp-Session-Id";
    String VERSION_HEADER = "MCP-Protocol-Version";

    /** The configured name. */
    String name();

    /** Sends one JSON-RPC message (or batch). */
    Reply post(Requester requester, String sessionId, String version, byte[] message) throws IOException;

    /** Opens the stream of server-initiated messages, resuming after {@code lastEventId} when not null. */
    Reply get(Requester requester, String sessionId, String version, String lastEventId) throws IOException;

    /** Ends the upstream session; returns the HTTP status. */
    int delete(Requester requester, String sessionId, String version) throws IOException;

    @Override
    default void close() {}

    /** An upstream answer whose body is still unread; close it to release the connection. */
    record Reply(int status, String contentType, String sessionId, long length, InputStream body) implements AutoCloseable {

        boolean isEventStream() {
            return isType("text/event-stream");
        }

        boolean isJson() {
            return isType("application/json");
        }

        /** Whether the media type starts with {@code type}, in any case (no lower-cased copy: asked per call). */
        private boolean isType(String type) {
            return contentType.regionMatches(true, 0, type, 0, type.length());
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is released either way
            }
        }
    }
}
