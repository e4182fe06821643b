package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAPI 3.0 and 3.1 validation inside the real gateway, in front of a real upstream. */
class OpenApiGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static TestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start()
                .respond("/v1/pets", 201, "application/json", "{\"id\":1,\"name\":\"Rex\",\"species\":\"dog\"}")
                .respond("/v2/pets", 201, "application/json", "{\"id\":2,\"name\":\"Tom\",\"species\":\"cat\"}")
                .respond("/broken/pets", 201, "application/json", "{\"id\":\"one\",\"species\":\"fish\"}");
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: petstore-v1
                    match: { pathPrefix: /v1 }
                    policies: [ { type: openapi, spec: "%1$s", basePath: /v1, serve: true } ]
                    backend: { type: http, targets: [ { url: "%2$s" } ] }
                  - name: petstore-v2
                    match: { pathPrefix: /v2 }
                    policies: [ { type: openapi, spec: "%3$s", basePath: /v2, validateResponses: true } ]
                    backend: { type: http, targets: [ { url: "%2$s" } ] }
                  - name: petstore-broken
                    match: { pathPrefix: /broken }
                    policies: [ { type: openapi, spec: "%1$s", basePath: /broken, validateResponses: true } ]
                    backend: { type: http, targets: [ { url: "%2$s" } ] }
                """.formatted(Resources.path("petstore-3.0.yaml"), upstream.url(), Resources.path("petstore-3.1.yaml")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<List<String>> violations(HttpResponse<String> r) throws Exception {
        JsonNode doc = JSON.readTree(r.body());
        List<List<String>> out = new ArrayList<>();
        doc.path("violations").forEach(v -> out.add(List.of(v.path("location").asText(), v.path("pointer").asText(),
                v.path("message").asText())));
        return out;
    }

    static void assertRequestInvalid(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.path("type").asText()).isEqualTo("urn:portcullis:problem:request-invalid");
        assertThat(doc.path("status").asInt()).isEqualTo(400);
        assertThat(doc.path("title").asText()).isEqualTo("Request invalid");
        assertThat(doc.path("detail").asText()).contains("does not match the API description");
        assertThat(doc.path("requestId").asText()).isNotBlank();
    }

    @Test
    void validRequestReachesTheUpstreamUnchanged() throws Exception {
        String body = "{ \"name\": \"Rex\",\n  \"species\": \"dog\", \"tag\": null, \"weightKg\": 12.5 }";

        HttpResponse<String> r = send("POST", "/v1/pets?trace=1", "application/json", body);

        assertThat(r.statusCode()).isEqualTo(201);
        TestUpstream.Received got = upstream.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.rawPath()).isEqualTo("/v1/pets");
        assertThat(got.rawQuery()).isEqualTo("trace=1");
        assertThat(got.bodyText()).isEqualTo(body);
    }

    @Test
    void badBodyListsEachViolation() throws Exception {
        int before = upstream.received().size();

        HttpResponse<String> r = send("POST", "/v1/pets", "application/json",
                "{\"name\":\"\",\"species\":\"fish\",\"weightKg\":0,\"owner\":\"me\"}");

        assertRequestInvalid(r);
        assertThat(violations(r)).extracting(v -> v.get(0), v -> v.get(1)).containsExactlyInAnyOrder(
                tuple("body", "/name"), tuple("body", "/species"), tuple("body", "/weightKg"), tuple("body", "/owner"));
        assertThat(violations(r)).allSatisfy(v -> assertThat(v.get(2)).isNotBlank());
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void missingRequiredMemberPointsAtIt() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/pets", "application/json", "{\"name\":\"Rex\"}");

        assertRequestInvalid(r);
        assertThat(violations(r)).extracting(v -> v.get(1)).containsExactly("/species");
    }

    @Test
    void missingBodyWrongContentTypeAndBrokenJsonAreViolations() throws Exception {
        assertThat(violations(send("POST", "/v1/pets", null, null))).extracting(v -> v.get(2))
                .containsExactly("a request body is required");
        assertThat(violations(send("POST", "/v1/pets", "text/plain", "Rex"))).extracting(v -> v.get(0), v -> v.get(1))
                .containsExactly(tuple("header", "/Content-Type"));
        assertThat(violations(send("POST", "/v1/pets", "application/json", "{\"name\":"))).extracting(v -> v.get(2))
                .singleElement().asString().startsWith("not valid JSON");
    }

    @Test
    void missingRequiredQueryParameterAndWrongTypesAreEachListed() throws Exception {
        int before = upstream.received().size();

        HttpResponse<String> r = send("GET", "/v1/pets?limit=abc&tags=a&tags=b", null, null);

        assertRequestInvalid(r);
        assertThat(violations(r)).extracting(v -> v.get(0), v -> v.get(1)).containsExactlyInAnyOrder(
                tuple("query", "/status"), tuple("query", "/limit"));
        assertThat(violations(r)).filteredOn(v -> v.get(1).equals("/status")).singleElement()
                .satisfies(v -> assertThat(v.get(2)).isEqualTo("required query parameter 'status' is missing"));
        assertThat(upstream.received()).hasSize(before);

        HttpResponse<String> range = send("GET", "/v1/pets?status=sold&limit=1000", null, null);
        assertThat(violations(range)).extracting(v -> v.get(1)).containsExactly("/limit");

        HttpResponse<String> enumValue = send("GET", "/v1/pets?status=lost", null, null);
        assertThat(violations(enumValue)).extracting(v -> v.get(1)).containsExactly("/status");
    }

    @Test
    void pathAndHeaderParametersAreValidated() throws Exception {
        HttpResponse<String> path = send("GET", "/v1/pets/abc", null, null);
        assertRequestInvalid(path);
        assertThat(violations(path)).extracting(v -> v.get(0), v -> v.get(1)).containsExactly(tuple("path", "/petId"));

        HttpRequest withHeader = HttpRequest.newBuilder(gateway.uri("/v1/pets")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Request-Source", "fax")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Rex\",\"species\":\"dog\"}")).build();
        HttpResponse<String> header = CLIENT.send(withHeader, HttpResponse.BodyHandlers.ofString());
        assertThat(violations(header)).extracting(v -> v.get(0), v -> v.get(1)).containsExactly(tuple("header", "/X-Request-Source"));
    }

    @Test
    void validParametersPassAndConcretePathsWinOverTemplates() throws Exception {
        assertThat(send("GET", "/v1/pets?status=available&limit=10&tags=a&tags=b", null, null).statusCode()).isEqualTo(201);
        assertThat(send("GET", "/v1/pets/42", null, null).statusCode()).isEqualTo(201);
        assertThat(send("GET", "/v1/pets/mine", null, null).statusCode()).isEqualTo(201); // not petId=mine
        assertThat(upstream.last().rawPath()).isEqualTo("/v1/pets/mine");
    }

    @Test
    void undocumentedPathIs404AndUndocumentedMethodIs405WithAllow() throws Exception {
        HttpResponse<String> unknown = send("GET", "/v1/owners", null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("urn:portcullis:problem:operation-not-found");

        HttpResponse<String> method = send("PUT", "/v1/pets/1", "application/json", "{}");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.headers().firstValue("Allow")).hasValue("GET, DELETE");
        assertThat(method.body()).contains("urn:portcullis:problem:method-not-allowed");
    }

    @Test
    void specIsServedAsJson() throws Exception {
        HttpResponse<String> r = send("GET", "/v1/openapi.json", null, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode served = JSON.readTree(r.body());
        JsonNode source = new YAMLMapper().readTree(Path.of(Resources.path("petstore-3.0.yaml")).toFile());
        assertThat(served).isEqualTo(source);

        assertThat(send("GET", "/v2/openapi.json", null, null).statusCode()).isEqualTo(404); // serve is off there
    }

    @Test
    void specIsPublishedOnTheAdminListenerForEveryOpenApiRoute() throws Exception {
        HttpResponse<String> list = CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/petstore-v2/resources")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("openapi");
        // published on the admin port even where the route itself does not serve it (serve: false)
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/petstore-v2/resources/openapi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body()).path("openapi").asText()).startsWith("3.");
        assertThat(CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/petstore-v2/resources/nope")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void openApi31SchemasUseJsonSchema2020() throws Exception {
        HttpResponse<String> ok = send("POST", "/v2/pets", "application/json",
                "{\"name\":\"Tom\",\"species\":\"cat\",\"tag\":null,\"nicknames\":[\"tommy\"]}");
        assertThat(ok.statusCode()).isEqualTo(201);

        // unevaluatedProperties (2020-12) sees the members a $ref'd schema declared: only color is extra
        HttpResponse<String> extra = send("POST", "/v2/pets", "application/json",
                "{\"name\":\"Tom\",\"species\":\"cat\",\"color\":\"grey\"}");
        assertRequestInvalid(extra);
        assertThat(violations(extra)).extracting(v -> v.get(1)).containsExactly("/color");

        // type lists instead of nullable; prefixItems with items: false
        HttpResponse<String> bad = send("POST", "/v2/pets", "application/json",
                "{\"name\":\"Tom\",\"species\":\"cat\",\"tag\":7,\"nicknames\":[\"a\",\"b\"]}");
        assertRequestInvalid(bad);
        assertThat(violations(bad)).extracting(v -> v.get(1)).contains("/tag", "/nicknames/1");

        HttpResponse<String> query = send("GET", "/v2/pets?limit=abc", null, null);
        assertThat(violations(query)).extracting(v -> v.get(0), v -> v.get(1)).containsExactly(tuple("query", "/limit"));
        assertThat(violations(send("GET", "/v2/pets", null, null))).extracting(v -> v.get(1)).containsExactly("/limit");
    }

    @Test
    void responsesAreValidatedWhenAsked() throws Exception {
        HttpResponse<String> valid = send("POST", "/v2/pets", "application/json", "{\"name\":\"Tom\",\"species\":\"cat\"}");
        assertThat(valid.statusCode()).isEqualTo(201);
        assertThat(valid.body()).isEqualTo("{\"id\":2,\"name\":\"Tom\",\"species\":\"cat\"}");

        HttpResponse<String> broken = send("POST", "/broken/pets", "application/json", "{\"name\":\"Rex\",\"species\":\"dog\"}");
        assertThat(broken.statusCode()).isEqualTo(502);
        assertThat(broken.body()).contains("urn:portcullis:problem:response-invalid");
        assertThat(violations(broken)).extracting(v -> v.get(1)).contains("/id", "/name", "/species");
    }
}
