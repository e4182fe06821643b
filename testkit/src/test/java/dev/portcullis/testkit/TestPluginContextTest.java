package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestPluginContextTest {

    /** A component interface a plugin might look up. */
    interface Embedder {
        float[] embed(String text);
    }

    @Test
    void componentsAreFoundByInterfaceAndName() {
        Embedder embedder = text -> new float[] {1f};
        try (TestPluginContext context = new TestPluginContext().withComponent(Embedder.class, "mini", embedder)) {
            assertThat(context.component(Embedder.class, "mini")).isSameAs(embedder);
            assertThat(context.findComponent(Embedder.class, "other")).isEmpty();
            assertThat(context.findComponent(Runnable.class, "mini")).as("another interface").isEmpty();
            assertThatThrownBy(() -> context.store("default"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("no StateStore named 'default' is declared");
        }
    }

    @Test
    void consumersMetersAndConfigDir() {
        Consumer agent = new Consumer("agent", Map.of("team", "support"), List.of("k"));
        try (TestPluginContext context = new TestPluginContext().withConsumers(agent).withConfigDir(Path.of("/etc/portcullis"))) {
            assertThat(context.consumers()).containsExactly(agent);
            context.meters().counter("c").increment();
            assertThat(context.meters().get("c").counter().count()).isEqualTo(1.0);
            assertThat(context.configDir()).isEqualTo(Path.of("/etc/portcullis"));
        }
        assertThat(new TestPluginContext().configDir()).isAbsolute();
    }

    @Test
    void theSchedulerRunsTasksUntilClosed() throws Exception {
        TestPluginContext context = new TestPluginContext();
        CountDownLatch ran = new CountDownLatch(1);
        context.scheduler().schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(context.scheduler()).isSameAs(context.scheduler());

        context.close();
        assertThat(context.scheduler().isShutdown()).isTrue();
    }

    @Test
    void storesAreComponentsToo() {
        StateStore store = (StateStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StateStore.class}, (p, m, a) -> null);
        assertThat(new TestPluginContext().withStore("default", store).store("default")).isSameAs(store);
    }

    @Test
    void verdictsUnwrapOrFailNamingWhatCame() {
        Failure f = Failure.of(429, "rate-limited", "Too many", "slow down");
        assertThat(Verdicts.failureOf(Verdict.reject(f))).isSameAs(f);
        Response r = Response.json(200, "{}");
        assertThat(Verdicts.responseOf(Verdict.respond(r))).isSameAs(r);
        assertThatThrownBy(() -> Verdicts.failureOf(Verdict.proceed()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Proceed");
        assertThatThrownBy(() -> Verdicts.responseOf(Verdict.reject(f)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("rate-limited");
    }
}
