package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;
import dev.portcullis.spi.llm.Role;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.ToolChoice;
import dev.portcullis.spi.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests and responses across the two wire formats, on captured-shape JSON. */
class WireFormatTest {

    static JsonNode parse(String s) throws Exception {
        return MockProviders.JSON.readTree(s);
    }

    static JsonNode parse(byte[] b) throws Exception {
        return MockProviders.JSON.readTree(b);
    }

    @Test
    void openAiRequestBecomesAnAnthropicRequest() throws Exception {
        ChatRequest r = OpenAiWire.readRequest(parse("""
                {"model":"chat","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},
                 "max_tokens":100,"temperature":0.2,"stop":"END","stream":true,"stream_options":{"include_usage":true}}
                """));
        assertThat(r.system()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(r.messages()).hasSize(1);
        assertThat(r.messages().get(0).content().get(1)).isEqualTo(new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", "low"));
        assertThat(r.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.TOOL, "lookup"));
        assertThat(r.stream()).isTrue();

        ProviderRequest pr = new AnthropicAdapter().chatRequest(r.withModel("claude-haiku-4-5"),
                new ProviderEndpoint("c", "https://api.anthropic.com/", "sk-ant", Map.of()));
        assertThat(pr.uri().toString()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(pr.headers().get("x-api-key")).isEqualTo("sk-ant");
        JsonNode a = parse(pr.body());
        assertThat(a.path("system").asText()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(a.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(a.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(a.path("tool_choice").path("type").asText()).isEqualTo("tool");
        assertThat(a.path("tools").get(0).path("input_schema").path("properties").has("q")).isTrue();
        JsonNode image = a.path("messages").get(0).path("content").get(1);
        assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(image.path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(image.path("source").path("data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(a.path("stream").asBoolean()).isTrue();
    }

    @Test
    void anthropicRequestBecomesAnOpenAiRequest() throws Exception {
        ChatRequest r = AnthropicWire.readRequest(parse("""
                {"model":"chat","max_tokens":512,"system":[{"type":"text","text":"You are terse."}],
                 "messages":[
                  {"role":"user","content":"Look it up"},
                  {"role":"assistant","content":[{"type":"text","text":"Sure."},{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"not found"}],"is_error":true},
                                            {"type":"text","text":"Try again"}]}],
                 "tools":[{"name":"lookup","description":"Search","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"any"},"stop_sequences":["###"]}
                """));
        assertThat(r.messages().stream().map(m -> m.role())).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER);
        assertThat(r.messages().get(2).content().get(0)).isEqualTo(new ContentPart.ToolResult("toolu_1", "not found", true));

        ProviderRequest pr = new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI).chatRequest(r.withModel("gpt-4o-mini"),
                new ProviderEndpoint("o", "https://api.openai.com/v1", "sk-o", Map.of()));
        assertThat(pr.uri().toString()).isEqualTo("https://api.openai.com/v1/chat/completions");
        assertThat(pr.headers().get("Authorization")).isEqualTo("Bearer sk-o");
        JsonNode o = parse(pr.body());
        JsonNode msgs = o.path("messages");
        assertThat(msgs.get(0).path("role").asText()).isEqualTo("system");
        assertThat(msgs.get(2).path("content").asText()).isEqualTo("Sure.");
        assertThat(msgs.get(2).path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"q\":\"x\"}");
        assertThat(msgs.get(3).path("role").asText()).isEqualTo("tool");
        assertThat(msgs.get(3).path("content").asText()).isEqualTo("not found");
        assertThat(msgs.get(4).path("content").asText()).isEqualTo("Try again");
        assertThat(o.path("tool_choice").asText()).isEqualTo("required");
        assertThat(o.path("max_completion_tokens").asInt()).isEqualTo(512);
        assertThat(o.path("stop").get(0).asText()).isEqualTo("###");
        assertThat(o.has("stream")).isFalse();
    }

    @Test
    void toolResultsAndUserTextShareOneAnthropicUserTurn() throws Exception {
        ChatRequest r = OpenAiWire.readRequest(parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}},
                                                                  {"id":"c2","type":"function","function":{"name":"b","arguments":"not json"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"A"},{"role":"tool","tool_call_id":"c2","content":"B"},
                 {"role":"user","content":"and?"}]}
                """));
        JsonNode a = AnthropicWire.writeRequest(r, 1024);
        JsonNode msgs = a.path("messages");
        assertThat(msgs).hasSize(3);
        assertThat(a.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(msgs.get(1).path("content").get(1).path("input").isObject()).isTrue();
        JsonNode turn = msgs.get(2).path("content");
        assertThat(turn.get(0).path("tool_use_id").asText()).isEqualTo("c1");
        assertThat(turn.get(1).path("tool_use_id").asText()).isEqualTo("c2");
        assertThat(turn.get(2).path("text").asText()).isEqualTo("and?");
    }

    @Test
    void fieldsWithoutCanonicalFormReachProvidersOfTheSameWireOnly() throws Exception {
        ChatRequest fromOpenAi = OpenAiWire.readRequest(parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"n":1,"seed":7,
                 "response_format":{"type":"json_object"},"parallel_tool_calls":false}
                """));
        JsonNode toOpenAi = OpenAiWire.writeRequest(fromOpenAi.withModel("gpt-4o-mini"), "max_completion_tokens");
        assertThat(toOpenAi.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(toOpenAi.path("seed").asInt()).isEqualTo(7);
        assertThat(toOpenAi.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(toOpenAi.has("n")).isFalse();
        assertThat(toOpenAi.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode toAnthropic = AnthropicWire.writeRequest(fromOpenAi, 100);
        assertThat(toAnthropic.has("seed")).isFalse();
        assertThat(toAnthropic.has("response_format")).isFalse();

        ChatRequest fromAnthropic = AnthropicWire.readRequest(parse("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"top_k":40,
                 "metadata":{"user_id":"u-1"},"thinking":{"type":"enabled","budget_tokens":1024}}
                """));
        JsonNode backToAnthropic = AnthropicWire.writeRequest(fromAnthropic, 100);
        assertThat(backToAnthropic.path("top_k").asInt()).isEqualTo(40);
        assertThat(backToAnthropic.path("metadata").path("user_id").asText()).isEqualTo("u-1");
        assertThat(backToAnthropic.has("thinking")).isFalse();
        assertThat(OpenAiWire.writeRequest(fromAnthropic, "max_tokens").has("top_k")).isFalse();

        assertThatThrownBy(() -> OpenAiWire.readRequest(parse("{\"model\":\"m\",\"n\":2,\"messages\":[]}")))
                .hasMessage("'n' other than 1 is not supported");
    }

    @Test
    void aChatCompletionIsWrittenInFull() throws Exception {
        ChatResponse tool = new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI).parseResponse(MockProviders.OPENAI_TOOL.getBytes(StandardCharsets.UTF_8));
        JsonNode t = Json.parse(OpenAiWire.writeResponse(tool, "alias", 42));
        assertThat(t.path("object").asText()).isEqualTo("chat.completion");
        assertThat(t.path("created").asLong()).isEqualTo(42);
        assertThat(t.path("model").asText()).isEqualTo("alias");
        assertThat(t.path("id").asText()).isEqualTo(tool.id());
        JsonNode choice = t.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("logprobs").isNull()).isTrue();
        JsonNode msg = choice.path("message");
        assertThat(msg.path("role").asText()).isEqualTo("assistant");
        assertThat(msg.get("content").isNull()).as("only tool calls: content is null").isTrue();
        assertThat(msg.get("refusal").isNull()).isTrue();
        ContentPart.ToolCall call = (ContentPart.ToolCall) tool.content().stream().filter(p -> p instanceof ContentPart.ToolCall).findFirst().orElseThrow();
        JsonNode c = msg.path("tool_calls").get(0);
        assertThat(c.path("id").asText()).isEqualTo(call.id());
        assertThat(c.path("type").asText()).isEqualTo("function");
        assertThat(c.path("function").path("name").asText()).isEqualTo(call.name());
        assertThat(c.path("function").path("arguments").asText()).isEqualTo(call.arguments());
        assertThat(t.path("usage").path("total_tokens").asLong()).isEqualTo(tool.usage().totalTokens());

        ChatResponse text = new ChatResponse(null, "m", List.of(new ContentPart.Text("Yes, \"twice\"\n"), new ContentPart.Text(" — reversed.")),
                StopReason.MAX_TOKENS, new Usage(5, 6, 0, 0));
        JsonNode x = Json.parse(OpenAiWire.writeResponse(text, "alias", 1));
        assertThat(x.path("id").asText()).isEqualTo("chatcmpl-portcullis");
        assertThat(x.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Yes, \"twice\"\n — reversed.");
        assertThat(x.path("choices").get(0).path("message").has("tool_calls")).isFalse();
        assertThat(x.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void usageIsNormalised() throws Exception {
        ChatResponse fromAnthropic = new AnthropicAdapter().parseResponse(MockProviders.ANTHROPIC_TEXT.getBytes(StandardCharsets.UTF_8));
        // 2095 uncached + 1000 cache reads + 0 cache writes
        assertThat(fromAnthropic.usage()).isEqualTo(new Usage(3095, 503, 1000, 0));
        JsonNode asOpenAi = Json.parse(OpenAiWire.writeResponse(fromAnthropic, "chat", 1));
        assertThat(asOpenAi.path("usage").path("prompt_tokens").asInt()).isEqualTo(3095);
        assertThat(asOpenAi.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(1000);
        assertThat(asOpenAi.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");

        ChatResponse fromOpenAi = new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI).parseResponse(MockProviders.OPENAI_TOOL.getBytes(StandardCharsets.UTF_8));
        assertThat(fromOpenAi.usage()).isEqualTo(new Usage(82, 17, 64, 0));
        assertThat(fromOpenAi.stopReason()).isEqualTo(StopReason.TOOL_USE);
        JsonNode asAnthropic = AnthropicWire.writeResponse(fromOpenAi, "chat");
        assertThat(asAnthropic.path("usage").path("input_tokens").asInt()).isEqualTo(18);
        assertThat(asAnthropic.path("usage").path("cache_read_input_tokens").asInt()).isEqualTo(64);
        assertThat(asAnthropic.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(asAnthropic.path("content").get(0).path("input").path("location").asText()).isEqualTo("Paris");
    }

    @Test
    void stopReasonsMapBothWays() {
        for (StopReason r : StopReason.values()) {
            assertThat(StopReasons.fromAnthropic(StopReasons.toAnthropic(r))).isEqualTo(r);
        }
        assertThat(StopReasons.fromOpenAi(StopReasons.toOpenAi(StopReason.STOP_SEQUENCE))).isEqualTo(StopReason.END_TURN);
        assertThat(StopReasons.toOpenAi(StopReason.MAX_TOKENS)).isEqualTo("length");
        assertThat(StopReasons.fromAnthropic("refusal")).isEqualTo(StopReason.CONTENT_FILTER);
        assertThat(StopReasons.fromOpenAi("content_filter")).isEqualTo(StopReason.CONTENT_FILTER);
    }

    @Test
    void azureAndCompatibleFlavours() throws Exception {
        ChatRequest r = OpenAiWire.readRequest(parse("{\"model\":\"m\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        ProviderRequest azure = new OpenAiAdapter(OpenAiAdapter.Flavour.AZURE).chatRequest(r.withModel("my deployment"),
                new ProviderEndpoint("az", "https://res.openai.azure.com", "az-key", Map.of("apiVersion", "2025-01-01-preview")));
        assertThat(azure.uri().toString()).isEqualTo("https://res.openai.azure.com/openai/deployments/my+deployment/chat/completions?api-version=2025-01-01-preview");
        assertThat(azure.headers().get("api-key")).isEqualTo("az-key");
        assertThat(azure.headers().contains("Authorization")).isFalse();

        ProviderRequest ollama = new OpenAiAdapter(OpenAiAdapter.Flavour.COMPATIBLE).chatRequest(r.withModel("llama3"),
                new ProviderEndpoint("o", "http://127.0.0.1:11434/v1", null, Map.of()));
        assertThat(ollama.headers().contains("Authorization")).isFalse();
        assertThat(parse(ollama.body()).path("max_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void invalidRequestsNameTheProblem() {
        assertThatThrownBy(() -> OpenAiWire.readRequest(parse("{\"messages\":[]}"))).hasMessage("'model' is required");
        assertThatThrownBy(() -> OpenAiWire.readRequest(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\"}]}")))
                .hasMessageContaining("messages[0].role 'wizard'");
        assertThatThrownBy(() -> AnthropicWire.readRequest(parse("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}")))
                .hasMessageContaining("messages.0.role");
        assertThatThrownBy(() -> OpenAiWire.readRequest(parse("{\"model\":\"m\",\"max_tokens\":\"many\",\"messages\":[]}")))
                .hasMessage("'max_tokens' must be an integer");
    }

    @Test
    void errorBodies() throws Exception {
        JsonNode o = OpenAiWire.error(404, "model_not_found", "no such model");
        assertThat(o.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(o.path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(o.path("error").has("param")).isTrue();
        JsonNode a = AnthropicWire.error(529, "Overloaded");
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(new AnthropicAdapter().parseError(529, MockProviders.ANTHROPIC_503.getBytes(StandardCharsets.UTF_8)).message()).isEqualTo("Overloaded");
        assertThat(new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI).parseError(502, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)).message())
                .isEqualTo("the provider answered HTTP 502");
    }

    @Test
    void geminiUsageStopReasonsAndSignedCallIds() throws Exception {
        ChatResponse r = new GeminiAdapter().parseResponse(MockProviders.GEMINI_TEXT.getBytes(StandardCharsets.UTF_8));
        // thinking tokens are outside candidatesTokenCount on Gemini's wire, inside output here
        assertThat(r.usage()).isEqualTo(new Usage(12, 28, 8, 23));
        assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(GeminiWire.stopReason("STOP", true)).isEqualTo(StopReason.TOOL_USE);
        assertThat(GeminiWire.stopReason("MAX_TOKENS", false)).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(GeminiWire.stopReason("SAFETY", false)).isEqualTo(StopReason.CONTENT_FILTER);

        ChatResponse blocked = new GeminiAdapter().parseResponse(
                "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":7}}".getBytes(StandardCharsets.UTF_8));
        assertThat(blocked.content()).isEmpty();
        assertThat(blocked.stopReason()).isEqualTo(StopReason.CONTENT_FILTER);
        assertThatThrownBy(() -> new GeminiAdapter().parseResponse("{}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("no candidates");

        String signed = GeminiWire.newCallId(MockProviders.GEMINI_SIGNATURE);
        assertThat(signed).matches("gmn_[A-Za-z0-9]{12}_[A-Za-z0-9_-]+");
        assertThat(GeminiWire.signatureOf(signed)).isEqualTo(MockProviders.GEMINI_SIGNATURE);
        assertThat(GeminiWire.signatureOf(GeminiWire.newCallId(null))).isNull();
        assertThat(GeminiWire.signatureOf("call_abc")).isNull();
        assertThat(GeminiWire.newCallId(null)).isNotEqualTo(GeminiWire.newCallId(null));

        ChatRequest fromOpenAi = OpenAiWire.readRequest(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0K\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.webp\"}}]}]}"));
        JsonNode parts = GeminiWire.writeRequest(fromOpenAi).path("contents").get(0).path("parts");
        assertThat(parts.get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
        assertThat(parts.get(1).path("inlineData").path("data").asText()).isEqualTo("iVBORw0K");
        assertThat(parts.get(2).path("fileData").path("mimeType").asText()).isEqualTo("image/webp");
        assertThat(parts.get(2).path("fileData").path("fileUri").asText()).isEqualTo("https://example.com/cat.webp");
    }
}
