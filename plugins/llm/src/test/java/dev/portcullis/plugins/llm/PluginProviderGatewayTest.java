package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.kernel.Gateway;
import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;
import dev.portcullis.testkit.TestPluginContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider type from a plugin: {@link TestWireAdapter}, a PF4J extension of the SPI's
 * {@link ProviderAdapter} on the test class path, serves the OpenAI SDK through the gateway from
 * a real upstream speaking its own wire. Unknown types and types that clash are config errors.
 */
class PluginProviderGatewayTest {

    static WireUpstream upstream;
    static TestGateway gateway;
    static OpenAIClient client;

    static String yaml(String url, String firstType) {
        return """
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      retry: { backoff: 10ms }
                      providers:
                        - { name: wire, type: %s, baseUrl: "%s/ok", apiKey: wire-key, models: { small: tiny-1b } }
                        - { name: wire-broken, type: test-wire, baseUrl: "%s/broken", models: { flaky: tiny-1b } }
                        - { name: wire-ok, type: test-wire, baseUrl: "%s/ok", models: { flaky: tiny-1b } }
                """.formatted(firstType, url, url, url);
    }

    @BeforeAll
    static void start() throws IOException {
        upstream = new WireUpstream();
        gateway = TestGateway.start(yaml(upstream.url(), "test-wire"));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.uri("/v1").toString()).apiKey("client-key")
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theSdksChatIsServedThroughThePluginsAdapter() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("small").addUserMessage("Hello").build());
        ChatCompletion c = raw.parse();

        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("wire");
        assertThat(c.model()).isEqualTo("small");
        assertThat(c.choices().get(0).message().content()).contains("echo: Hello");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(2);
        WireUpstream.Call got = upstream.last();
        assertThat(got.path()).isEqualTo("/ok/complete");
        assertThat(got.key()).isEqualTo("wire-key");
        assertThat(got.body().path("model").asText()).isEqualTo("tiny-1b");
        assertThat(got.body().path("input").asText()).isEqualTo("Hello");
    }

    @Test
    void theSdksStreamIsServedThroughThePluginsAdapter() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("small").addUserMessage("Hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).contains("echo: Hi");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(2);
        assertThat(upstream.last().body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void whatTheAdapterCannotSayIsTheClientsBadRequestAndReachesNoProvider() {
        int before = upstream.calls.size();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("small")
                .addUserMessage("Weather?").addTool(OpenAiSdkGatewayTest.WEATHER).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("provider wire cannot call tools"));
        assertThat(upstream.calls).hasSize(before);
    }

    @Test
    void anAdapterThatBreaksOnAnAnswerCostsAFailoverNotA500() {
        int broken = upstream.calls("/broken/complete");
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("flaky").addUserMessage("Again").build());

        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("wire-ok");
        assertThat(raw.parse().choices().get(0).message().content()).contains("echo: Again");
        assertThat(upstream.calls("/broken/complete")).isEqualTo(broken + 1);
    }

    @Test
    void anUnknownTypeIsAConfigErrorListingThePluginsTypesAtStartAndOnReload() {
        String expected = "routes[0].backend.providers[0].type: unknown provider type 'vertex' "
                + "(known: openai, anthropic, azure-openai, openai-compatible, gemini, test-wire)";
        assertThatThrownBy(() -> TestGateway.start(yaml(upstream.url(), "vertex")))
                .isInstanceOfSatisfying(ConfigInvalidException.class, e -> assertThat(e.lines()).containsExactly(expected));

        try (TestGateway other = TestGateway.start(yaml(upstream.url(), "test-wire"))) {
            Gateway.ReloadResult r = other.reload(yaml(upstream.url(), "vertex"));
            assertThat(r.applied()).isFalse();
            assertThat(r.errors()).containsExactly(expected);
        }
    }

    @Test
    void aPluginAdapterCannotTakeOverABuiltInType() {
        // the kernel would hand these over from plugin jars; the test kit plays that part
        try (TestPluginContext context = new TestPluginContext().withExtension(ProviderAdapter.class, new ClaimsOpenAi())) {
            assertThatThrownBy(() -> new LlmBackendFactory().create(config("openai"), context))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.path()).isEqualTo("providers");
                        assertThat(e.getMessage()).contains(ClaimsOpenAi.class.getName(), "built-in type 'openai'");
                    });
        }
    }

    @Test
    void twoPluginAdaptersCannotShareAType() {
        try (TestPluginContext context = new TestPluginContext()
                .withExtension(ProviderAdapter.class, new AcmeOne()).withExtension(ProviderAdapter.class, new AcmeTwo())) {
            assertThatThrownBy(() -> new LlmBackendFactory().create(config("acme"), context))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                            .contains("'acme' is claimed by both " + AcmeOne.class.getName() + " and " + AcmeTwo.class.getName()));
        }
    }

    @Test
    void aPluginTypeNeedsNoApiKeyAndResolvesFromTheContextsExtensions() throws Exception {
        LlmBackendConfig c = config("acme");
        RecordingErrors errors = new RecordingErrors();
        c.validate(errors);
        assertThat(errors.lines).isEmpty();
        try (TestPluginContext context = new TestPluginContext().withExtension(ProviderAdapter.class, new AcmeOne());
                var backend = new LlmBackendFactory().create(c, context)) {
            assertThat(backend).isNotNull();
        }
        try (TestPluginContext none = new TestPluginContext()) {
            assertThatThrownBy(() -> new LlmBackendFactory().create(c, none))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("providers[0].type"));
        }
    }

    private static LlmBackendConfig config(String type) {
        return new LlmBackendConfig(null, List.of(LlmBackendConfigTest.provider("p", type, "http://127.0.0.1:1", null, Map.of("m", "m"))),
                null, null, null, null, null, null, null, null);
    }

    /** An adapter that only has a type: enough for resolution, never called. */
    abstract static class StubAdapter implements ProviderAdapter {
        private final String type;

        StubAdapter(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatResponse parseResponse(byte[] body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatError parseError(int status, byte[] body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StreamDecoder streamDecoder() {
            throw new UnsupportedOperationException();
        }
    }

    static final class ClaimsOpenAi extends StubAdapter {
        ClaimsOpenAi() {
            super("openai");
        }
    }

    static final class AcmeOne extends StubAdapter {
        AcmeOne() {
            super("acme");
        }
    }

    static final class AcmeTwo extends StubAdapter {
        AcmeTwo() {
            super("acme");
        }
    }

    /**
     * The upstream of {@link TestWireAdapter}'s wire: {@code /ok/complete} echoes the input
     * (streamed when asked), {@code /broken/complete} answers {@code {}}.
     */
    static final class WireUpstream implements AutoCloseable {

        record Call(String path, String key, JsonNode body) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        WireUpstream() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        Call last() {
            return calls.getLast();
        }

        int calls(String path) {
            return (int) calls.stream().filter(c -> c.path().equals(path)).count();
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                JsonNode body = MockProviders.JSON.readTree(ex.getRequestBody().readAllBytes());
                calls.add(new Call(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("X-Key"), body));
                if (ex.getRequestURI().getPath().equals("/broken/complete")) {
                    send(ex, "application/json", "{}");
                } else if (body.path("stream").asBoolean()) {
                    send(ex, "text/event-stream", "data: {\"delta\":\"echo: \"}\n\n"
                            + "data: " + Json.object().put("delta", body.path("input").asText()) + "\n\n"
                            + "data: {\"done\":true,\"in\":3,\"out\":2}\n\n");
                } else {
                    send(ex, "application/json", Json.object().put("output", "echo: " + body.path("input").asText())
                            .put("in", 3).put("out", 2).toString());
                }
            }
        }

        private static void send(HttpExchange ex, String type, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
