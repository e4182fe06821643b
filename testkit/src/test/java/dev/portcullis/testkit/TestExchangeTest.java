package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestExchangeTest {

    private static final AttributeKey<String> FLAG = AttributeKey.of("flag", String.class);
    private static final Identity ALICE = new Identity("alice", "portcullis", "api-key", null, null, "alice", null);

    @Test
    void attributesAreWriteOnceAndTyped() {
        TestExchange ex = TestExchange.get("/");
        assertThat(ex.attributes().has(FLAG)).isFalse();

        ex.attributes().set(FLAG, "first");
        assertThatThrownBy(() -> ex.attributes().set(FLAG, "second"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("attribute 'flag' is already set");
        assertThat(ex.attributes().get(FLAG)).contains("first");

        AttributeKey<String> sameName = AttributeKey.of("flag", String.class);
        assertThat(ex.attributes().get(sameName)).as("keys compare by identity").isEmpty();
        @SuppressWarnings({"unchecked", "rawtypes"})
        AttributeKey<Object> raw = (AttributeKey) AttributeKey.of("n", Integer.class);
        assertThatThrownBy(() -> ex.attributes().set(raw, "not a number")).isInstanceOf(ClassCastException.class);
    }

    @Test
    void identityIsSetOnce() {
        TestExchange ex = TestExchange.get("/").withIdentity(ALICE);
        assertThat(ex.identity()).contains(ALICE);
        assertThatThrownBy(() -> ex.identity(ALICE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("api-key");
    }

    @Test
    void completionActionsRunOnceInOrderAndFailuresSurfaceAfterAllRan() {
        TestExchange ex = TestExchange.get("/");
        List<String> ran = new ArrayList<>();
        ex.onComplete(() -> ran.add("a"));
        ex.onComplete(() -> {
            throw new IllegalStateException("boom");
        });
        ex.onComplete(() -> ran.add("c"));
        assertThat(ex.pendingCompletions()).isEqualTo(3);

        assertThatThrownBy(ex::complete).hasMessage("boom");
        assertThat(ran).containsExactly("a", "c");
        assertThat(ex.pendingCompletions()).isZero();
        ex.complete();
        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void settablePartsAndDefaults() {
        TestExchange ex = TestRequest.post("/x").exchange();
        assertThat(ex.requestId()).isEqualTo("req-1");
        assertThat(ex.route()).isEqualTo(new RouteInfo("test", "http"));
        assertThat(ex.response()).isNull();
        assertThat(ex.isCancelled()).isFalse();
        assertThat(ex.request().method()).isEqualTo("POST");

        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        Response ok = Response.json(200, "{}");
        ex.requestId("rid-9").route("orders").clock(clock).response(ok).cancel();
        clock.advance(Duration.ofSeconds(5));

        assertThat(ex.requestId()).isEqualTo("rid-9");
        assertThat(ex.route()).isEqualTo(new RouteInfo("orders", "http"));
        assertThat(ex.clock().instant()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
        assertThat(ex.response()).isSameAs(ok);
        assertThat(ex.isCancelled()).isTrue();
    }

    @Test
    void clockMovesOnlyWhenTold() {
        TestClock clock = new TestClock(Instant.EPOCH);
        var paris = clock.withZone(java.time.ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofMinutes(1));
        assertThat(paris.instant()).as("zone views share the time").isEqualTo(Instant.EPOCH.plusSeconds(60));
        clock.set(Instant.EPOCH);
        assertThat(clock.millis()).isZero();
    }
}
