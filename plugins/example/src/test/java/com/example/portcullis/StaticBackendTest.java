package com.example.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Response;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

class StaticBackendTest {

    private final TestPluginContext context = new TestPluginContext();

    @Test
    void answersWithTheConfiguredResponse() throws Exception {
        Backend backend = new StaticBackendFactory().create(new StaticConfig(201, "application/json", "{\"ok\":true}"), context);

        Response response = backend.handle(TestExchange.get("/anything"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(response.body().text(1024)).isEqualTo("{\"ok\":true}");
    }

    @Test
    void eachResponseHasItsOwnHeaders() throws Exception {
        Backend backend = new StaticBackendFactory().create(new StaticConfig(null, null, "hi"), context);

        Response first = backend.handle(TestExchange.get("/"));
        first.headers().set("Content-Type", "changed/by-a-policy");
        Response second = backend.handle(TestExchange.get("/"));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(second.body().text(16)).isEqualTo("hi");
    }

    @Test
    void validationRefusesImpossibleStatusCodes() {
        assertThat(CollectingConfigErrors.of(new StaticConfig(700, " ", null))).containsExactly(
                "status: must be between 200 and 599, was 700",
                "contentType: not a valid content type: ' '");
        assertThat(CollectingConfigErrors.of(new StaticConfig(null, null, null))).isEmpty();
    }
}
