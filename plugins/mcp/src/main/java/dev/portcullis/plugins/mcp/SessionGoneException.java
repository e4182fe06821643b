package dev.portcullis.plugins.mcp;

/** An upstream forgot its session (HTTP 404): the client's gateway session cannot continue. */
final class SessionGoneException extends RuntimeException {

    SessionGoneException(String server) {
        super("upstream server '" + server + "' no longer knows this session", null, false, false);
    }
}
