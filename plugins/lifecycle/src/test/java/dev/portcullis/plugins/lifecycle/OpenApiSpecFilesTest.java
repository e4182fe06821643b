package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.Gateway;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A spec found relative to the config file, split over several files, loaded on reload. */
class OpenApiSpecFilesTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static HttpResponse<String> post(TestGateway g, String path, String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(g.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void relativeSpecWithAReferenceToAFileBesideIt() throws Exception {
        try (TestUpstream upstream = TestUpstream.start().respond("/", 200, "application/json", "{}");
                TestGateway g = TestGateway.start("""
                        routes:
                          - { name: api, match: { pathPrefix: /api }, backend: { type: http, targets: [ { url: "%s" } ] } }
                        """.formatted(upstream.url()))) {
            Path specs = Files.createDirectories(g.dir().resolve("specs"));
            Files.writeString(specs.resolve("pet.yaml"), """
                    type: object
                    required: [name]
                    properties:
                      name: { type: string, minLength: 2 }
                    """);
            Files.writeString(specs.resolve("api.yaml"), """
                    openapi: 3.0.3
                    info: { title: t, version: "1" }
                    paths:
                      /pets:
                        post:
                          requestBody:
                            required: true
                            content:
                              application/json:
                                schema: { $ref: 'pet.yaml' }
                          responses: { "200": { description: ok } }
                    """);

            Gateway.ReloadResult reload = g.reload("""
                    routes:
                      - name: api
                        match: { pathPrefix: /api }
                        policies: [ { type: openapi, spec: specs/api.yaml, basePath: /api } ]
                        backend: { type: http, targets: [ { url: "%s" } ] }
                    """.formatted(upstream.url()));
            assertThat(reload.errors()).isEmpty();

            HttpResponse<String> bad = post(g, "/api/pets", "{\"name\":\"x\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(new ObjectMapper().readTree(bad.body()).path("violations").get(0).path("pointer").asText())
                    .isEqualTo("/name");
            assertThat(post(g, "/api/pets", "{\"name\":\"Rex\"}").statusCode()).isEqualTo(200);
            assertThat(upstream.last().bodyText()).isEqualTo("{\"name\":\"Rex\"}");
        }
    }

    @Test
    void referenceOutsideTheSpecFolderIsNotRead() throws Exception {
        try (TestGateway g = TestGateway.start("""
                routes:
                  - { name: api, match: { pathPrefix: /api }, backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] } }
                """)) {
            Files.writeString(g.dir().resolve("secret.yaml"), "type: string\n");
            Path specs = Files.createDirectories(g.dir().resolve("specs"));
            Files.writeString(specs.resolve("api.yaml"), """
                    openapi: 3.1.0
                    info: { title: t, version: "1" }
                    paths:
                      /x:
                        post:
                          requestBody:
                            content:
                              application/json:
                                schema: { $ref: '../secret.yaml' }
                          responses: { "200": { description: ok } }
                    """);

            Gateway.ReloadResult reload = g.reload("""
                    routes:
                      - name: api
                        match: { pathPrefix: /api }
                        policies: [ { type: openapi, spec: specs/api.yaml } ]
                        backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] }
                    """);

            assertThat(reload.applied()).isFalse();
            assertThat(reload.errors()).singleElement().asString()
                    .startsWith("routes[0].policies[0].spec")
                    .contains("secret.yaml");
        }
    }
}
