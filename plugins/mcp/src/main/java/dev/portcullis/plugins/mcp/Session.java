package dev.portcullis.plugins.mcp;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A client session held by the gateway: what was negotiated with the client and the upstream
 * sessions behind it. Serialised into the state store, so any gateway node sharing the store can
 * continue it.
 *
 * @param version   the protocol version agreed with the client
 * @param subject   the identity subject that opened the session (null when anonymous); a request
 *                  from another subject does not find it
 * @param upstreams per upstream server that joined the session, its state
 * @param touched   epoch seconds of the last expiry refresh
 */
record Session(String version, String subject, Map<String, Joined> upstreams, long touched) {

    /** Unmodifiable: one decoded session serves every request that reads the same stored bytes. */
    Session {
        upstreams = upstreams == null ? null : Collections.unmodifiableMap(upstreams);
    }

    /**
     * One upstream's part of the session.
     *
     * @param sessionId    the upstream's {@code Mcp-Session-Id}, or null for a stateless server
     * @param version      the protocol version that upstream agreed to
     * @param capabilities the capability names it announced ({@code tools}, {@code resources}, ...)
     */
    record Joined(String sessionId, String version, List<String> capabilities) {

        Joined {
            capabilities = capabilities == null ? null : Collections.unmodifiableList(capabilities);
        }

        boolean has(String capability) {
            return capabilities != null && capabilities.contains(capability);
        }
    }

    Session touch(long now) {
        return new Session(version, subject, upstreams, now);
    }
}
