package dev.portcullis.kernel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.upstream.RawServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The upstream client the kernel hands plugins through {@code PluginContext.upstreamHttp}. */
class GatewayContextUpstreamTest {

    @Test
    void pluginsGetTheKernelsPooledClient() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        GatewayContext ctx = new GatewayContext(new Components(), List.of(), new SimpleMeterRegistry(), scheduler,
                Path.of("."), AuditLog.discarding(), null);
        try (RawServer server = RawServer.http(req -> RawServer.ok("hello " + req.bodyText()));
                UpstreamHttp http = ctx.upstreamHttp(UpstreamHttp.Options.defaults())) {
            for (String who : List.of("a", "b")) {
                try (UpstreamHttp.Reply r = http.send("POST", URI.create(server.url() + "/v1/x"), new Headers(), Body.of(who))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello " + who);
                }
            }
            assertThat(server.accepted()).isEqualTo(1);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
