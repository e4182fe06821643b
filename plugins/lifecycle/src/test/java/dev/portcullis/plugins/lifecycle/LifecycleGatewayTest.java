package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lifecycle policy inside the real gateway, over real HTTP, in front of real upstreams. */
class LifecycleGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestUpstream v1;
    static TestUpstream v2;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        v1 = TestUpstream.start().respond("/", 200, "application/json", "{\"served\":\"v1\"}");
        v2 = TestUpstream.start().respond("/", 200, "application/json", "{\"served\":\"v2\"}");
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  # path-prefix versions: /v1/orders is deprecated, /v2/orders is its successor
                  - name: orders-v1
                    match: { pathPrefix: /v1/orders }
                    policies:
                      - type: lifecycle
                        version: v1
                        status: deprecated
                        deprecatedAt: 2026-06-01T00:00:00Z
                        sunset: 2099-01-01T00:00:00Z
                        link: https://developer.example.com/migrate-to-v2
                        successor: /v2/orders
                        versionHeader: API-Version
                      - { type: test-version-attribute }
                      - { type: openapi, spec: "%s", basePath: /v1, passUnknown: false }
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: orders-v2
                    match: { pathPrefix: /v2/orders }
                    policies: [ { type: lifecycle, version: v2, versionHeader: API-Version }, { type: test-version-attribute } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  # query-selected versions on one path
                  - name: reports-v2
                    match: { pathPrefix: /reports, query: { version: "2" } }
                    policies: [ { type: lifecycle, version: v2, versionHeader: API-Version } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: reports-v1
                    match: { pathPrefix: /reports }
                    policies: [ { type: lifecycle, version: v1, versionHeader: API-Version, requestedVersion: { query: version } } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  # the route-level shorthand: `lifecycle:` is a lifecycle policy placed first
                  - name: shorthand
                    match: { pathPrefix: /v3/orders }
                    lifecycle: { version: v3, status: deprecated, deprecatedAt: 2026-06-01T00:00:00Z, sunset: 2099-01-01T00:00:00Z, versionHeader: API-Version }
                    policies: [ { type: test-version-attribute } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: legacy-v0
                    match: { pathPrefix: /v0/orders }
                    policies:
                      - { type: lifecycle, version: v0, status: retired, sunset: 2025-01-01T00:00:00Z,
                          link: "https://developer.example.com/migrate-to-v2", successor: /v2/orders }
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: past-sunset
                    match: { pathPrefix: /sunset-passed }
                    policies: [ { type: lifecycle, version: v9, status: active, sunset: "2020-02-01T00:00:00Z" } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: past-sunset-kept
                    match: { pathPrefix: /sunset-kept }
                    policies: [ { type: lifecycle, version: v9, sunset: "2020-02-01T00:00:00Z", retireAfterSunset: false } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  # header-selected versions on one path: the v2 route matches the header exactly;
                  # the v1 route is the default and refuses requests that ask for another version
                  - name: items-v2
                    match: { pathPrefix: /items, headers: { Accept-Version: v2 } }
                    policies: [ { type: lifecycle, version: v2, versionHeader: API-Version } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: items-v1
                    match: { pathPrefix: /items }
                    policies:
                      - type: lifecycle
                        version: v1
                        versionHeader: API-Version
                        requestedVersion: { header: Accept-Version, query: version, mediaTypeParameter: version }
                    backend: { type: http, targets: [ { url: "%s" } ] }
                """.formatted(Resources.path("orders-3.0.yaml"), v1.url(), v2.url(), v2.url(), v1.url(), v2.url(), v1.url(), v1.url(), v1.url(),
                v2.url(), v1.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        v1.close();
        v2.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deprecatedVersionIsServedWithDeprecationSunsetAndLinkHeaders() throws Exception {
        HttpResponse<String> r = get("/v1/orders");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"served\":\"v1\"}");
        assertThat(r.headers().allValues("Deprecation")).containsExactly("@1780272000");
        assertThat(r.headers().allValues("Sunset")).containsExactly("Thu, 01 Jan 2099 00:00:00 GMT");
        assertThat(r.headers().allValues("Link")).containsExactlyInAnyOrder(
                "<https://developer.example.com/migrate-to-v2>; rel=\"deprecation\"; type=\"text/html\"",
                "<https://developer.example.com/migrate-to-v2>; rel=\"sunset\"; type=\"text/html\"",
                "</v2/orders>; rel=\"successor-version\"");
        assertThat(r.headers().firstValue("API-Version")).hasValue("v1");
        assertThat(v1.last().header("X-Api-Version-Attribute")).isEqualTo("v1");
    }

    @Test
    void errorAnswersOfLaterPoliciesCarryTheLifecycleHeadersToo() throws Exception {
        HttpResponse<String> r = get("/v1/orders/not-documented");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("urn:portcullis:problem:operation-not-found");
        assertThat(r.headers().firstValue("Deprecation")).hasValue("@1780272000");
        assertThat(r.headers().firstValue("Sunset")).hasValue("Thu, 01 Jan 2099 00:00:00 GMT");
    }

    @Test
    void activeVersionHasNoDeprecationHeaders() throws Exception {
        HttpResponse<String> r = get("/v2/orders");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"served\":\"v2\"}");
        assertThat(r.headers().firstValue("Deprecation")).isEmpty();
        assertThat(r.headers().firstValue("Sunset")).isEmpty();
        assertThat(r.headers().firstValue("API-Version")).hasValue("v2");
        assertThat(v2.last().header("X-Api-Version-Attribute")).isEqualTo("v2");
    }

    @Test
    void retiredVersionAnswers410WithoutCallingTheUpstream() throws Exception {
        int before = v1.received().size();

        HttpResponse<String> r = get("/v0/orders/42");

        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body())
                .contains("\"type\":\"urn:portcullis:problem:api-retired\"")
                .contains("API version 'v0' was retired on Wed, 01 Jan 2025 00:00:00 GMT")
                .contains("use /v2/orders")
                .contains("https://developer.example.com/migrate-to-v2");
        assertThat(r.headers().firstValue("Sunset")).hasValue("Wed, 01 Jan 2025 00:00:00 GMT");
        assertThat(r.headers().allValues("Link")).contains("</v2/orders>; rel=\"successor-version\"");
        assertThat(v1.received()).hasSize(before);
    }

    @Test
    void activeVersionPastItsSunsetIsRetiredUnlessConfiguredOtherwise() throws Exception {
        int before = v1.received().size();

        HttpResponse<String> gone = get("/sunset-passed");
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.body()).contains("API version 'v9' was retired on Sat, 01 Feb 2020 00:00:00 GMT");
        assertThat(v1.received()).hasSize(before);

        HttpResponse<String> kept = get("/sunset-kept");
        assertThat(kept.statusCode()).isEqualTo(200);
        assertThat(kept.headers().firstValue("Sunset")).hasValue("Sat, 01 Feb 2020 00:00:00 GMT");
        assertThat(v1.received()).hasSize(before + 1);
    }

    @Test
    void headerSelectsTheVersionOnASharedPath() throws Exception {
        HttpResponse<String> byDefault = get("/items/7");
        assertThat(byDefault.body()).isEqualTo("{\"served\":\"v1\"}");
        assertThat(byDefault.headers().firstValue("API-Version")).hasValue("v1");

        HttpResponse<String> second = get("/items/7", "Accept-Version", "v2");
        assertThat(second.body()).isEqualTo("{\"served\":\"v2\"}");
        assertThat(second.headers().firstValue("API-Version")).hasValue("v2");

        HttpResponse<String> explicitFirst = get("/items/7", "Accept-Version", "1");
        assertThat(explicitFirst.statusCode()).isEqualTo(200);
        assertThat(explicitFirst.body()).isEqualTo("{\"served\":\"v1\"}");
    }

    @Test
    void versionsTheRouterCannotSelectAreRefusedNotServedWrong() throws Exception {
        int before = v1.received().size();

        HttpResponse<String> header = get("/items/7", "Accept-Version", "v3");
        assertThat(header.statusCode()).isEqualTo(400);
        assertThat(header.body()).contains("urn:portcullis:problem:version-unsupported")
                .contains("API version 'v3' is not served at /items/7; this route serves v1");

        HttpResponse<String> query = get("/items/7?version=2");
        assertThat(query.statusCode()).isEqualTo(400);
        assertThat(query.body()).contains("API version '2' is not served");

        HttpResponse<String> mediaType = get("/items/7", "Accept", "application/json; version=\"2\"");
        assertThat(mediaType.statusCode()).isEqualTo(400);
        assertThat(mediaType.body()).contains("API version '2' is not served");

        HttpResponse<String> sameVersion = get("/items/7?version=1", "Accept", "application/json; version=v1");
        assertThat(sameVersion.statusCode()).isEqualTo(200);
        assertThat(v1.received()).hasSize(before + 1);
    }

    @Test
    void routeLevelLifecycleShorthandActsAsTheFirstPolicy() throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(gateway.uri("/v3/orders/1"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Sunset")).hasValue("Thu, 01 Jan 2099 00:00:00 GMT");
        assertThat(r.headers().firstValue("API-Version")).hasValue("v3");
        assertThat(r.headers().firstValue("Deprecation")).isPresent();
    }

    @Test
    void aQueryParameterSelectsTheVersion() throws Exception {
        assertThat(fetch("/reports?version=2").body()).isEqualTo("{\"served\":\"v2\"}");
        assertThat(fetch("/reports").body()).isEqualTo("{\"served\":\"v1\"}");
        HttpResponse<String> other = fetch("/reports?version=7");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("version-unsupported");
    }

    private static HttpResponse<String> fetch(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
