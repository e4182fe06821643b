package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.store.LocalStateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two {@link Sessions} on one store stand for two gateway nodes sharing Redis: each node keeps the
 * sessions it decoded, and must still see at once what the other node wrote or removed.
 */
class SessionsTest {

    static final Duration TTL = Duration.ofMinutes(10);
    final LocalStateStore store = new LocalStateStore(100_000);
    final Sessions nodeA = new Sessions(store, "route", TTL);
    final Sessions nodeB = new Sessions(store, "route", TTL);

    @Test
    void aRefreshOnOneNodeIsSeenByTheOther() {
        Clock start = clockAt(1_000);
        String id = nodeA.create(session("alice", 1_000));
        assertThat(nodeA.find(id, "alice", start)).get().extracting(Session::touched).isEqualTo(1_000L);
        assertThat(nodeB.find(id, "alice", start)).get().extracting(Session::touched).isEqualTo(1_000L);

        Clock later = clockAt(1_000 + TTL.toSeconds() / 2 + 1); // past half the TTL: B writes it back
        assertThat(nodeB.find(id, "alice", later)).get().extracting(Session::touched).isEqualTo(1_301L);
        // A decoded the old bytes before; it reads the new ones (and need not write them again)
        assertThat(nodeA.find(id, "alice", start)).get().extracting(Session::touched).isEqualTo(1_301L);
    }

    @Test
    void aSessionEndedOnOneNodeIsGoneOnTheOther() {
        Clock now = clockAt(1_000);
        String id = nodeA.create(session("alice", 1_000));
        assertThat(nodeA.find(id, "alice", now)).isPresent();
        assertThat(nodeB.find(id, "alice", now)).isPresent();
        nodeB.delete(id);
        assertThat(nodeA.find(id, "alice", now)).isEmpty();
        assertThat(nodeB.find(id, "alice", now)).isEmpty();
    }

    @Test
    void whatTheStoreHoldsNowWinsOverWhatWasDecodedBefore() throws Exception {
        Clock now = clockAt(1_000);
        String id = nodeA.create(session("alice", 1_000));
        assertThat(nodeA.find(id, "alice", now)).isPresent();

        // another node (or version) put a different session under the same key
        store.putValue(key(id), JsonRpc.MAPPER.writeValueAsBytes(session("bob", 1_000)), TTL);
        assertThat(nodeA.find(id, "alice", now)).isEmpty();
        assertThat(nodeA.find(id, "bob", now)).get().extracting(Session::subject).isEqualTo("bob");

        // bytes it cannot read: unknown, even though a session was decoded for this key before
        store.putValue(key(id), "{not json".getBytes(StandardCharsets.UTF_8), TTL);
        assertThat(nodeA.find(id, "bob", now)).isEmpty();
    }

    @Test
    void aSessionIsSharedByItsRequestsSoItCannotBeChanged() {
        Clock now = clockAt(1_000);
        String id = nodeA.create(session("alice", 1_000));
        Session s = nodeA.find(id, "alice", now).orElseThrow();
        assertThat(nodeA.find(id, "alice", now)).get().isSameAs(s); // decoded once
        assertThatThrownBy(() -> s.upstreams().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.upstreams().get("docs").capabilities().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void decodedSessionsAreBoundedAndEveryOneStaysFindable() {
        Clock now = clockAt(1_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Sessions.MAX_DECODED + 50; i++) {
            ids.add(nodeA.create(session("agent-" + i, 1_000)));
        }
        assertThat(nodeA.decodedCount()).isLessThanOrEqualTo(Sessions.MAX_DECODED);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(nodeA.find(ids.get(i), "agent-" + i, now)).as("session %d", i).isPresent();
        }
        assertThat(nodeA.decodedCount()).isLessThanOrEqualTo(Sessions.MAX_DECODED);
    }

    static Session session(String subject, long touched) {
        Map<String, Session.Joined> upstreams = new LinkedHashMap<>();
        upstreams.put("docs", new Session.Joined("up-1", "2025-11-25", new ArrayList<>(List.of("tools", "resources"))));
        return new Session("2025-11-25", subject, upstreams, touched);
    }

    static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    /** The store key of a session id, as documented: the SHA-256 of the id, in hex, after the route's prefix. */
    static String key(String id) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII));
        return "mcp:session:route:" + HexFormat.of().formatHex(d);
    }
}
