package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.Role;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    static ChatRequest chat(String system, String... user) {
        List<Message> messages = java.util.Arrays.stream(user)
                .map(u -> new Message(Role.USER, List.<ContentPart>of(new ContentPart.Text(u)))).toList();
        return new ChatRequest("m", system, messages, List.of(), null, 16, null, null, List.of(), false, null);
    }

    /** o200k tokens plus the framing: 3 per message (the system prompt is one), 3 to prime the reply. */
    static long expected(String system, String... user) {
        long n = 3 + 3 + O200K.countTokensOrdinary(system);
        for (String u : user) {
            n += 3 + O200K.countTokensOrdinary(u);
        }
        return n;
    }

    @Test
    void rememberedCountsAreTheCountsOfTheirOwnTexts() {
        TokenEstimator estimator = new TokenEstimator();
        Random random = new Random(11);
        String[] words = {"order", "renewal", "charged", "twice", "ledger", "émigré", "数据", "🙂", "x", "4821", "\n"};
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder b = new StringBuilder();
            while (b.length() < 20 + random.nextInt(400)) {
                b.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
            }
            texts.add(b.toString());
        }
        // each text once, then again in other combinations (remembered), then with one character changed
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < texts.size(); i++) {
                String system = texts.get(i);
                String user = texts.get((i * 7 + round) % texts.size());
                if (round == 2) {
                    user = user.substring(0, user.length() - 1) + (user.endsWith("a") ? "b" : "a");
                }
                assertThat(estimator.inputTokens(chat(system, user, system)))
                        .as("round %d, text %d", round, i).isEqualTo(expected(system, user, system));
            }
        }
    }
}
