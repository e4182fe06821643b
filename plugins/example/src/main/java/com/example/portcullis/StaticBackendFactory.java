package com.example.portcullis;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Response;
import java.nio.charset.StandardCharsets;
import org.pf4j.Extension;

/**
 * The {@code static} backend type: answers every request of its route itself, without an
 * upstream. Handy for health endpoints, maintenance pages and tests.
 */
@Extension
public final class StaticBackendFactory implements BackendFactory<StaticConfig> {

    @Override
    public String type() {
        return "static";
    }

    @Override
    public Class<StaticConfig> configType() {
        return StaticConfig.class;
    }

    @Override
    public Backend create(StaticConfig config, PluginContext context) {
        return new StaticBackend(config.status(), config.contentType(),
                config.body().getBytes(StandardCharsets.UTF_8)); // encoded once, not per request
    }

    @Override
    public String description() {
        return "Example: answers with a fixed status, content type and body";
    }

    /** One instance serves every request of its route, concurrently: it holds only immutable state. */
    static final class StaticBackend implements Backend {

        private final int status;
        private final String contentType;
        private final byte[] body;

        StaticBackend(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        /**
         * Every response gets its own Headers, because policies may change them in the response
         * phase. The body bytes are shared: nothing in the gateway writes into them.
         */
        @Override
        public Response handle(Exchange exchange) {
            return new Response(status, Headers.of("Content-Type", contentType), Body.of(body));
        }
    }
}
