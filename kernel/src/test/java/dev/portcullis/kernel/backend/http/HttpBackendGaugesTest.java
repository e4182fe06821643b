package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.backend.http.HttpBackendConfig.Passive;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Retry;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Target;
import dev.portcullis.upstream.RawServer;
import dev.portcullis.spi.Backend;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-target gauges across config generations: a reload builds the new backend before the
 * old one closes, so the newer backend takes the target's gauge over and the older one's close
 * must leave it alone; the last backend of a target removes it.
 */
class HttpBackendGaugesTest {

    private static HttpBackendConfig config(String url) {
        return new HttpBackendConfig(List.of(new Target(url, 1)), null, null, new Retry(0, null, null, null, null), null, null,
                new Passive(1, Duration.ofMinutes(5)), null, null, null, null, null);
    }

    private static Gauge healthy(TestPluginContext context, String url) {
        return context.meters().find("portcullis.upstream.healthy").tag("target", url).gauge();
    }

    @Test
    void theNewestBackendOwnsATargetsGaugeAndTheLastOneRemovesIt() throws Exception {
        try (TestPluginContext context = new TestPluginContext();
                RawServer failing = RawServer.http(req -> "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")) {
            HttpBackendFactory factory = new HttpBackendFactory();
            Backend old = factory.create(config(failing.url()), context);
            Backend current = factory.create(config(failing.url()), context);
            // the old generation ejects the target; the gauge reports the current one, which has not
            assertThat(old.handle(TestExchange.get("/")).status()).isEqualTo(502);
            assertThat(healthy(context, failing.url()).value()).isEqualTo(1.0);

            old.close();
            assertThat(healthy(context, failing.url())).as("still registered after the old backend closed").isNotNull();
            assertThat(current.handle(TestExchange.get("/")).status()).isEqualTo(502);
            assertThat(healthy(context, failing.url()).value()).as("now the current backend ejected it").isZero();

            current.close();
            assertThat(healthy(context, failing.url())).as("removed with the last backend of the target").isNull();
        }
    }

    @Test
    void eachRegistryKeepsItsOwnGauges() throws Exception {
        try (TestPluginContext a = new TestPluginContext(); TestPluginContext b = new TestPluginContext();
                RawServer up = RawServer.http(req -> RawServer.ok("ok"))) {
            HttpBackendFactory factory = new HttpBackendFactory();
            Backend inA = factory.create(config(up.url()), a);
            Backend inB = factory.create(config(up.url()), b);
            inA.close();
            assertThat(healthy(a, up.url())).isNull();
            assertThat(healthy(b, up.url())).isNotNull();
            inB.close();
            assertThat(healthy(b, up.url())).isNull();
        }
    }
}
