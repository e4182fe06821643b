package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusable specs and lifecycle settings are refused at start, each with its YAML path. */
class OpenApiConfigErrorsTest {

    static ConfigInvalidException startFails(String policy) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> TestGateway.start("""
                routes:
                  - name: api
                    match: { pathPrefix: /api }
                    policies: [ %s ]
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] }
                """.formatted(policy)).close());
        assertThat(t).isInstanceOf(ConfigInvalidException.class);
        return (ConfigInvalidException) t;
    }

    @Test
    void missingSpecFileNamesThePathAndTheFile() {
        ConfigInvalidException e = startFails("{ type: openapi, spec: specs/missing.yaml }");

        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("routes[0].policies[0].spec");
            assertThat(err.message()).contains("cannot read").contains("specs/missing.yaml".replace('/', java.io.File.separatorChar));
        });
    }

    @Test
    void unparseableSpecDanglingRefAndWrongVersionAreRefused(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "openapi: 3.0.3\npaths: [\n");
        Path dangling = Files.writeString(dir.resolve("dangling.yaml"), """
                openapi: 3.1.0
                info: { title: t, version: "1" }
                paths:
                  /x:
                    post:
                      requestBody:
                        content:
                          application/json:
                            schema: { $ref: '#/components/schemas/Nope' }
                      responses: { "200": { description: ok } }
                """);
        Path swagger = Files.writeString(dir.resolve("swagger.json"), "{\"swagger\":\"2.0\",\"paths\":{}}");

        assertThat(startFails("{ type: openapi, spec: \"" + broken + "\" }").errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("routes[0].policies[0].spec");
            assertThat(err.message()).contains("broken.yaml is not valid YAML or JSON");
        });
        assertThat(startFails("{ type: openapi, spec: \"" + dangling + "\" }").errors()).singleElement().satisfies(err ->
                assertThat(err.message()).contains("/paths/~1x/post/requestBody/content/application~1json/schema")
                        .contains("$ref '#/components/schemas/Nope' points at nothing"));
        assertThat(startFails("{ type: openapi, spec: \"" + swagger + "\" }").errors()).singleElement().satisfies(err ->
                assertThat(err.message()).contains("unsupported OpenAPI version Swagger 2.0"));
    }

    @Test
    void lifecycleSettingsAreCheckedTogether() {
        ConfigInvalidException e = startFails("""
                { type: lifecycle, status: deprecated, sunset: "next year", link: "not a url",
                  versionHeader: "API Version", requestedVersion: { query: version } }""");

        assertThat(e.errors()).extracting(err -> err.path()).containsExactlyInAnyOrder(
                "routes[0].policies[0].sunset",
                "routes[0].policies[0].deprecatedAt",
                "routes[0].policies[0].link",
                "routes[0].policies[0].versionHeader",
                "routes[0].policies[0].version",
                "routes[0].policies[0].version");
    }

    @Test
    void unknownStatusIsRefused() {
        ConfigInvalidException e = startFails("{ type: lifecycle, version: v1, status: sunsetting }");

        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("routes[0].policies[0].status");
            assertThat(err.message()).contains("active").contains("deprecated").contains("retired");
        });
    }
}
