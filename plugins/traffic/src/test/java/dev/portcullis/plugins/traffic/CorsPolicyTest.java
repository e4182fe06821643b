package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {

    private static final CorsConfig CONFIG = new CorsConfig(
            List.of("https://app.example.com", "https://*.example.org"),
            List.of("GET", "POST", "DELETE"),
            List.of("Content-Type", "X-Api-Key"),
            List.of("X-Request-Id"),
            true,
            Duration.ofMinutes(10));

    private final Policy cors = new CorsPolicyFactory().create(CONFIG, null);

    private static TestExchange preflight(String origin, String method, String headers) {
        TestExchange exchange = TestRequest.builder("OPTIONS", "/orders").exchange();
        exchange.request().headers().add("Origin", origin).add("Access-Control-Request-Method", method);
        if (headers != null) {
            exchange.request().headers().add("Access-Control-Request-Headers", headers);
        }
        return exchange;
    }

    private static Response responded(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Respond.class);
        return ((Verdict.Respond) verdict).response();
    }

    private static Verdict.Reject rejected(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Reject.class);
        return (Verdict.Reject) verdict;
    }

    @Test
    void allowedPreflightIsAnsweredWith204AndTheCorsHeaders() {
        Response r = responded(cors.onRequest(preflight("https://app.example.com", "DELETE", "content-type, x-api-key")));

        assertThat(r.status()).isEqualTo(204);
        Headers h = r.headers();
        assertThat(h.get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(h.get("Access-Control-Allow-Methods")).isEqualTo("GET, POST, DELETE");
        assertThat(h.get("Access-Control-Allow-Headers")).isEqualTo("Content-Type, X-Api-Key");
        assertThat(h.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(h.get("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(h.get("Vary")).contains("Origin");
        assertThat(r.body().isEmpty()).isTrue();
    }

    @Test
    void subdomainWildcardMatchesSubdomainsOnly() {
        assertThat(cors.onRequest(preflight("https://shop.example.org", "GET", null))).isInstanceOf(Verdict.Respond.class);
        assertThat(cors.onRequest(preflight("https://a.b.example.org", "GET", null))).isInstanceOf(Verdict.Respond.class);
        for (String origin : List.of("https://example.org", "https://evilexample.org", "http://shop.example.org",
                "https://shop.example.org.evil.com", "https://x:y@example.org", "https://.example.org")) {
            assertThat(rejected(cors.onRequest(preflight(origin, "GET", null))).failure().detail())
                    .as(origin).isEqualTo("origin '" + origin + "' is not allowed");
        }
    }

    @Test
    void preflightForAMethodOrHeaderNotAllowedIsRejected() {
        Verdict.Reject method = rejected(cors.onRequest(preflight("https://app.example.com", "PUT", null)));
        assertThat(method.failure().status()).isEqualTo(403);
        assertThat(method.failure().code()).isEqualTo("cors-rejected");
        assertThat(method.failure().detail()).isEqualTo("method 'PUT' is not allowed for cross-origin requests");

        Verdict.Reject header = rejected(cors.onRequest(preflight("https://app.example.com", "GET", "x-api-key,X-Secret")));
        assertThat(header.failure().detail()).isEqualTo("header 'X-Secret' is not allowed for cross-origin requests");
    }

    @Test
    void anyHeaderReflectsTheRequestedHeaders() {
        Policy any = new CorsPolicyFactory().create(new CorsConfig(List.of("*"), null, List.of("*"), null, false, null), null);

        Response r = responded(any.onRequest(preflight("https://whoever.test", "POST", "x-anything, content-type")));

        assertThat(r.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://whoever.test");
        assertThat(r.headers().get("Access-Control-Allow-Headers")).isEqualTo("x-anything, content-type");
        assertThat(r.headers().get("Access-Control-Allow-Methods")).isEqualTo("GET, HEAD, POST");
        assertThat(r.headers().contains("Access-Control-Allow-Credentials")).isFalse();
        assertThat(r.headers().contains("Access-Control-Max-Age")).isFalse();
    }

    @Test
    void plainOptionsAndOtherMethodsGoToTheBackend() {
        TestExchange options = TestRequest.builder("OPTIONS", "/").exchange();
        options.request().headers().add("Origin", "https://app.example.com");
        assertThat(cors.onRequest(options)).isEqualTo(Verdict.proceed());

        TestExchange get = TestExchange.get("/");
        get.request().headers().add("Origin", "https://evil.test");
        assertThat(cors.onRequest(get)).isEqualTo(Verdict.proceed());
    }

    @Test
    void actualRequestFromAllowedOriginGetsItsExactOriginAndUpstreamCorsIsReplaced() {
        TestExchange exchange = TestExchange.get("/orders");
        exchange.request().headers().add("Origin", "https://app.example.com");
        assertThat(cors.onRequest(exchange)).isEqualTo(Verdict.proceed());
        exchange.response(new Response(200,
                Headers.of("Access-Control-Allow-Origin", "*", "Vary", "Accept-Encoding"), Body.of("[]")));

        assertThat(cors.onResponse(exchange)).isEqualTo(Verdict.proceed());

        Headers h = exchange.response().headers();
        assertThat(h.all("Access-Control-Allow-Origin")).containsExactly("https://app.example.com");
        assertThat(h.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(h.get("Access-Control-Expose-Headers")).isEqualTo("X-Request-Id");
        assertThat(h.all("Vary")).containsExactly("Accept-Encoding", "Origin");
    }

    @Test
    void actualRequestFromOtherOriginGetsNoCorsHeadersButVaries() {
        TestExchange exchange = TestExchange.get("/orders");
        exchange.request().headers().add("Origin", "https://evil.test");
        exchange.response(new Response(200, Headers.of("Access-Control-Allow-Origin", "*", "Vary", "accept, origin"), Body.empty()));

        cors.onResponse(exchange);

        Headers h = exchange.response().headers();
        assertThat(h.contains("Access-Control-Allow-Origin")).isFalse();
        assertThat(h.all("Vary")).containsExactly("accept, origin"); // already listed: not added twice
    }

    @Test
    void validationReportsWildcardWithCredentialsAndMalformedEntries() {
        CorsConfig config = new CorsConfig(
                List.of("*", "https://app.example.com/", "app.example.com", "https://a.*.example.com", "https://ok.test:99999"),
                List.of("GET", "BAD METHOD"),
                List.of("X-Ok", "bad header"),
                List.of("*"),
                true,
                Duration.ofSeconds(-1));

        assertThat(CollectingConfigErrors.of(config)).containsExactly(
                "allowOrigins[0]: '*' cannot be combined with allowCredentials: true (browsers refuse it); list the origins instead",
                "allowOrigins[1]: not an origin: 'https://app.example.com/' (an origin has no path, query or user: scheme://host[:port])",
                "allowOrigins[2]: not an origin: 'app.example.com' (expected scheme://host[:port], e.g. https://app.example.com)",
                "allowOrigins[3]: bad wildcard in 'https://a.*.example.com' (only a leading '*.' is allowed, e.g. https://*.example.com)",
                "allowOrigins[4]: bad port in 'https://ok.test:99999'",
                "allowMethods[1]: not an HTTP method: 'BAD METHOD'",
                "allowHeaders[1]: not a valid header name: 'bad header'",
                "exposeHeaders: '*' means no wildcard when credentials are allowed; list the headers",
                "maxAge: must not be negative");
        assertThat(CollectingConfigErrors.of(new CorsConfig(null, null, null, null, false, null)))
                .containsExactly("allowOrigins: list at least one origin (or \"*\")");
        assertThat(CollectingConfigErrors.of(CONFIG)).isEmpty();
    }
}
