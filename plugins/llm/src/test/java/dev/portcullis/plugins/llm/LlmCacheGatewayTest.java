package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The llm-cache policy through the gateway, with the official OpenAI SDK as the client. */
class LlmCacheGatewayTest {

    static CostFixture fx;

    @BeforeAll
    static void start() {
        fx = new CostFixture();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    static OpenAIClient sdk(String prefix, String consumer) {
        return OpenAIOkHttpClient.builder().baseUrl(fx.gateway.uri(prefix + "/v1").toString()).apiKey("sk-client")
                .putHeader("X-Test-Consumer", consumer).maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder().model("gpt").temperature(0.0).addUserMessage(question).build();
    }

    int providerCalls() {
        return fx.mocks.received("/openai/ok").size();
    }

    @Test
    void aRepeatedQuestionIsAnsweredFromTheCacheForTheSameConsumerOnly() {
        OpenAIClient alice = sdk("/cache", "alice");
        OpenAIClient bob = sdk("/cache", "bob");
        try {
            int before = providerCalls();
            HttpResponseFor<ChatCompletion> first = alice.chat().completions().withRawResponse().create(ask("What is a portcullis?"));
            assertThat(first.headers().values("X-Cache")).containsExactly("MISS");
            String answer = first.parse().choices().get(0).message().content().orElseThrow();
            assertThat(providerCalls()).isEqualTo(before + 1);

            HttpResponseFor<ChatCompletion> again = alice.chat().completions().withRawResponse().create(ask("What is a portcullis?"));
            assertThat(again.headers().values("X-Cache")).containsExactly("HIT");
            assertThat(again.parse().choices().get(0).message().content()).hasValue(answer);
            assertThat(again.parse().model()).isEqualTo("gpt");
            assertThat(providerCalls()).isEqualTo(before + 1);

            // another consumer does not see alice's entry
            HttpResponseFor<ChatCompletion> other = bob.chat().completions().withRawResponse().create(ask("What is a portcullis?"));
            assertThat(other.headers().values("X-Cache")).containsExactly("MISS");
            assertThat(providerCalls()).isEqualTo(before + 2);

            // a parameter that changes the answer is another entry
            HttpResponseFor<ChatCompletion> warmer = alice.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("gpt").temperature(0.9).addUserMessage("What is a portcullis?").build());
            assertThat(warmer.headers().values("X-Cache")).containsExactly("MISS");

            // the streamed form of the cached question is replayed as a stream
            List<ChatCompletionChunk> chunks;
            try (StreamResponse<ChatCompletionChunk> s = alice.chat().completions().createStreaming(ask("What is a portcullis?"))) {
                chunks = s.stream().toList();
            }
            String streamed = chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).reduce("", String::concat);
            assertThat(streamed).isEqualTo(answer);
            assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
            assertThat(providerCalls()).isEqualTo(before + 3);
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    void aStreamedAnswerIsCachedAndReplayedToTheNonStreamingForm() {
        OpenAIClient carol = sdk("/cache-global", "carol");
        OpenAIClient dave = sdk("/cache-global", "dave");
        try {
            int before = providerCalls();
            String streamed;
            try (StreamResponse<ChatCompletionChunk> s = carol.chat().completions().createStreaming(ask("Stream me"))) {
                streamed = s.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).reduce("", String::concat);
            }
            assertThat(streamed).isEqualTo("Hello from OpenAI");
            assertThat(providerCalls()).isEqualTo(before + 1);
            // global scope: another consumer gets the entry, in the non-streamed form
            HttpResponseFor<ChatCompletion> hit = dave.chat().completions().withRawResponse().create(ask("Stream me"));
            assertThat(hit.headers().values("X-Cache")).containsExactly("HIT");
            assertThat(hit.parse().choices().get(0).message().content()).hasValue(streamed);
            assertThat(hit.parse().usage().orElseThrow().totalTokens()).isEqualTo(25);
            assertThat(providerCalls()).isEqualTo(before + 1);
        } finally {
            carol.close();
            dave.close();
        }
    }

    @Test
    void toolCallsAreNotCached() {
        OpenAIClient erin = sdk("/cache", "erin");
        try {
            var params = ChatCompletionCreateParams.builder().model("gpt").addUserMessage("Weather in Paris?")
                    .addTool(OpenAiSdkGatewayTest.WEATHER).build();
            int before = providerCalls();
            erin.chat().completions().create(params);
            HttpResponseFor<ChatCompletion> again = erin.chat().completions().withRawResponse().create(params);
            assertThat(again.headers().values("X-Cache")).containsExactly("MISS");
            assertThat(again.parse().choices().get(0).message().toolCalls()).isPresent();
            assertThat(providerCalls()).isEqualTo(before + 2);
        } finally {
            erin.close();
        }
    }
}
