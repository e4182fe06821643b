package dev.portcullis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.backend.http.HttpBackendConfig;
import dev.portcullis.kernel.routing.RouteMatch;
import dev.portcullis.spi.Response;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Checks that each benchmark measures what its javadoc says (the right route is hit or missed,
 * the chain answers, the config binds, tokens verify, checks are admitted, bodies are blocked or
 * masked), and that the JMH harness runs them all once. Performance is not asserted here. The
 * Redis rate-limit variant needs Redis at 127.0.0.1:6379, like the redis plugin's tests.
 */
class BenchmarksSmokeTest {

    @Test
    void routerTargetsHitAndMissTheRoutesTheyDescribe() {
        assertThat(route(1000, "first")).isEqualTo(new RouteMatch<>("route-0", Map.of()));
        assertThat(route(1000, "middle")).isEqualTo(new RouteMatch<>("route-498", Map.of("id", "42", "orderId", "7")));
        assertThat(route(1000, "last")).isEqualTo(new RouteMatch<>("route-999", Map.of()));
        assertThat(route(1000, "missBucket")).isNull();
        assertThat(route(1000, "missScan")).isNull();
    }

    @Test
    void routerTargetsHitTheirKindOfRouteAtEverySize() {
        Map<Integer, List<String>> expected = Map.of(10, List.of("route-2", "route-7"), 100, List.of("route-50", "route-99"),
                10000, List.of("route-4998", "route-9999"));
        expected.forEach((routes, names) -> {
            assertThat(route(routes, "first")).as("first of %d", routes).isEqualTo(new RouteMatch<>("route-0", Map.of()));
            assertThat(route(routes, "middle")).as("middle of %d", routes)
                    .isEqualTo(new RouteMatch<>(names.get(0), Map.of("id", "42", "orderId", "7")));
            assertThat(route(routes, "last")).as("last of %d", routes).isEqualTo(new RouteMatch<>(names.get(1), Map.of()));
            assertThat(route(routes, "missScan")).as("missScan of %d", routes).isNull();
        });
    }

    @Test
    void routerTableHasTheAdvertisedSize() {
        assertThat(RouterBench.table()).hasSize(RouterBench.ROUTES);
        assertThat(RouterBench.table(10_000)).hasSize(10_000);
    }

    private static RouteMatch<String> route(int routes, String target) {
        RouterBench bench = new RouterBench();
        bench.routes = routes;
        bench.target = target;
        bench.setUp();
        return bench.match();
    }

    @Test
    void chainAnswersWithTheBackendsResponseWithAndWithoutPolicies() {
        for (int n : List.of(0, 1, 5, 10, 20)) {
            ChainBench bench = new ChainBench();
            bench.policies = n;
            bench.setUp();
            assertThat(bench.chainLength()).isEqualTo(n);
            Response r = bench.execute();
            assertThat(r.status()).as("status with %d policies", n).isEqualTo(200);
            assertThat(r.body().text(1024)).contains("\"id\":42");
        }
    }

    @Test
    void configBindsAllRoutesWithEnvironmentSubstituted() throws Exception {
        ConfigBindBench bench = new ConfigBindBench();
        bench.setUp();
        try {
            assertThat(bench.load().substitutedPaths()).hasSize(ConfigBindBench.CONSUMERS + 1);
            List<HttpBackendConfig> backends = bench.reload();
            assertThat(backends).hasSize(ConfigBindBench.ROUTES).doesNotContainNull();
            assertThat(backends.get(0).targets()).hasSize(2);
            assertThat(bench.bind()).hasSize(ConfigBindBench.ROUTES);
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void sseParsesEveryEventOfTheStreamAndEncodesItBack() throws Exception {
        SseBench bench = new SseBench();
        bench.setUp();
        assertThat(SseBench.eventBytes()).isEqualTo(186);
        String json = SseBench.EVENT.substring("data: ".length(), SseBench.EVENT.length() - 2);
        for (int i = 0; i < 5000; i++) { // past the end of the buffer: the stream starts over
            assertThat(bench.parse().data()).isEqualTo(json);
        }
        assertThat(new String(bench.encode(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(SseBench.EVENT);
    }

    @Test
    void configCompilesEveryRouteWithItsPoliciesAndBackend() throws Exception {
        ConfigCompileBench bench = new ConfigCompileBench();
        bench.routes = 100;
        bench.setUp();
        try {
            var compiled = bench.compile();
            assertThat(compiled.routes()).hasSize(100);
            // service-0: key-auth and per-consumer in front of its http backend
            assertThat(compiled.routes().get(0).chain().policies()).hasSize(2);
            assertThat(compiled.routes().get(0).chain().backend()).isNotNull();
            assertThat(compiled.router().size()).isEqualTo(100);
            bench.closeLast();
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void jmhRunsEveryBenchmarkOnce() throws RunnerException {
        // a real benchmark run elsewhere on the machine holds JMH's global lock; a smoke run may pass it
        System.setProperty("jmh.ignoreLock", "true");
        Options opts = new OptionsBuilder()
                .include(RouterBench.class.getName() + "|" + ChainBench.class.getName() + "|" + ConfigBindBench.class.getName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("target", "first", "missScan")
                .param("routes", "100")
                .param("policies", "0", "20")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        // 2 router targets + 2 chain sizes + 3 config methods
        assertThat(results).hasSize(7);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void jwtTokensVerifyColdAcrossPolicyRebuildsAndCached() throws Exception {
        for (String alg : List.of("RS256", "ES256", "EdDSA", "HS256")) {
            JwtBench bench = new JwtBench();
            bench.alg = alg;
            bench.setUp();
            try {
                // HS256 goes once through the whole pool, so the rebuild of the cold policy runs too
                int calls = alg.equals("HS256") ? JwtBench.POOL + 2 : 3;
                for (int i = 0; i < calls; i++) {
                    assertThat(bench.cold().status()).as("%s cold call %d", alg, i).isEqualTo(200);
                }
                assertThat(bench.cached().status()).as("%s cached", alg).isEqualTo(200);
                assertThat(bench.cached().status()).as("%s cached again", alg).isEqualTo(200);
            } finally {
                bench.tearDown();
            }
        }
    }

    @Test
    void rateLimitChecksAreAdmittedWithHeadersOnEveryStoreAndAlgorithm() {
        for (String store : List.of("local", "redis")) {
            for (String algorithm : List.of("sliding-window", "token-bucket")) {
                RateLimitBench bench = new RateLimitBench();
                bench.store = store;
                bench.algorithm = algorithm;
                bench.setUp();
                try {
                    for (int i = 0; i < 2; i++) {
                        Response r = bench.check();
                        assertThat(r.headers().get("RateLimit-Limit")).as("%s %s", store, algorithm).isEqualTo("1000000000");
                        // a full token bucket refills faster than it is drained here, so only "took one" is certain
                        assertThat(Long.parseLong(r.headers().get("RateLimit-Remaining")))
                                .as("%s %s: the check took from the budget", store, algorithm).isLessThan(1_000_000_000L);
                    }
                } finally {
                    bench.tearDown();
                }
            }
        }
    }

    @Test
    void mailBodyIsFourKibibytesOfJsonQuotingTheCustomerRecord() throws Exception {
        for (String to : List.of("colleague@example.com", "attacker@evil.test")) {
            byte[] body = MailBody.json(to);
            assertThat(body).hasSize(MailBody.SIZE);
            JsonNode json = new ObjectMapper().readTree(body);
            assertThat(json.get("to").get(0).asText()).isEqualTo(to);
            assertThat(json.get("body").asText()).contains(MailBody.CUSTOMER_RECORD).hasSizeGreaterThan(3000);
        }
    }

    @Test
    void detectorsFindNothingInTheCleanMessagesAndTheRecordInThePiiOne() {
        for (String detector : List.of("email", "phone", "payment-card", "iban", "us-ssn", "five")) {
            for (String text : List.of("clean", "clean-utf16")) {
                DetectorsBench bench = detectors(detector, text);
                assertThat(bench.message()).hasSizeGreaterThan(3200).doesNotContainPattern("[0-9@]");
                assertThat(bench.scan()).as("%s over %s", detector, text).isZero();
            }
        }
        assertThat(detectors("clean-utf16").message().chars().anyMatch(c -> c > 0xff)).isTrue();
        DetectorsBench pii = detectors("five", "pii");
        assertThat(pii.scan()).isEqualTo(5);
        // in detector order; the phone detector also reads the IBAN's tail as a number with a 00 prefix
        assertThat(pii.findings()).extracting(s -> pii.message().substring(s.start(), s.end())).containsExactly(
                "jane.roe@mail.test", "+1 415 555 2671", "0044 0532 0130 00", "4111 1111 1111 1111",
                "DE89 3704 0044 0532 0130 00");
    }

    private static DetectorsBench detectors(String text) {
        return detectors("five", text);
    }

    private static DetectorsBench detectors(String detector, String text) {
        DetectorsBench bench = new DetectorsBench();
        bench.detector = detector;
        bench.text = text;
        bench.setUp();
        return bench;
    }

    @Test
    void inspectScenariosPassBlockOrMaskAsDescribed() {
        assertThat(inspect("internal", false)).isEqualTo(new String(MailBody.json("colleague@example.com"), StandardCharsets.UTF_8));
        inspect("external", true);
        String redacted = inspect("redact", false);
        assertThat(redacted).contains("[REDACTED:email]", "**** **** **** 1111").doesNotContain("jane.roe", "4111 1111");
        assertThat(inspect("all-detectors", false)).isEqualTo(new String(MailBody.json("attacker@evil.test"), StandardCharsets.UTF_8));
    }

    /** Runs one scenario twice (the body is fresh each time); returns the body the backend would get. */
    private static String inspect(String scenario, boolean blocked) {
        InspectBench bench = new InspectBench();
        bench.scenario = scenario;
        bench.setUp();
        try {
            for (int i = 0; i < 2; i++) {
                Response r = bench.inspect();
                if (blocked) {
                    assertThat(r.status()).as(scenario).isEqualTo(403);
                    assertThat(r.body().text(4096)).contains("content-blocked", "external-mail-with-pii").doesNotContain("jane.roe");
                } else {
                    assertThat(r.status()).as(scenario).isEqualTo(200);
                }
            }
            return bench.request.body().text(2 * MailBody.SIZE);
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void jmhRunsTheApiGateBenchmarksOnce() throws RunnerException {
        System.setProperty("jmh.ignoreLock", "true"); // as above
        Options opts = new OptionsBuilder()
                .include(JwtBench.class.getName() + "|" + RateLimitBench.class.getName() + "|" + InspectBench.class.getName()
                        + "|" + DetectorsBench.class.getName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("alg", "HS256")
                .param("store", "local")
                .param("algorithm", "token-bucket")
                .param("scenario", "external")
                .param("detector", "five")
                .param("text", "pii")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        // jwt cold + cached, one rate-limit check, one inspect scenario, the five detectors
        assertThat(results).hasSize(5);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void llmTranslationProducesTheOtherWire() throws Exception {
        ObjectMapper json = new ObjectMapper();
        LlmTranslateBench bench = new LlmTranslateBench();
        bench.setUp();
        JsonNode anthropic = json.readTree(bench.request());
        assertThat(anthropic.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(anthropic.get("max_tokens").asInt()).isEqualTo(512);
        assertThat(anthropic.get("system").toString()).contains("support assistant");
        assertThat(anthropic.get("messages")).hasSize(3);
        assertThat(anthropic.get("tools").get(0).get("input_schema").get("required").get(0).asText()).isEqualTo("orderId");

        JsonNode openAi = json.readTree(bench.response());
        assertThat(openAi.get("object").asText()).isEqualTo("chat.completion");
        assertThat(openAi.get("model").asText()).isEqualTo("chat");
        assertThat(openAi.at("/choices/0/message/content").asText()).startsWith("I checked order 48213");
        assertThat(openAi.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(openAi.at("/usage/prompt_tokens").asInt()).isEqualTo(212 + 128);

        for (int i = 0; i < 2; i++) {
            List<dev.portcullis.spi.SseEvent> chunks = bench.streamEvent();
            assertThat(chunks).hasSize(1);
            JsonNode chunk = json.readTree(chunks.get(0).data());
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.at("/choices/0/delta/content").asText()).isEqualTo(" the duplicate charge has been reversed");
        }
    }

    @Test
    void jmhRunsTheAiGateBenchmarksOnce() throws RunnerException {
        System.setProperty("jmh.ignoreLock", "true"); // as above
        Options opts = new OptionsBuilder()
                .include(LlmTranslateBench.class.getName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        // request, response, streamEvent
        assertThat(results).hasSize(3);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
