package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.CollectingConfigErrors;
import org.junit.jupiter.api.Test;

/** The verification step and the canonical form on pairs whose outcome a reader can check by eye. */
class PromptVerifierTest {

    private final PromptVerifier verifier = new PromptVerifier(false);
    private final PromptCanonicalizer canon = new PromptCanonicalizer();

    private String reason(String a, String b) {
        PromptVerifier.Result r = verifier.verify(a, b);
        return r.accepted() ? "accepted" : r.reason();
    }

    @Test
    void paraphrasesPass() {
        assertThat(reason("Summarize this document", "Give me a summary of this text")).isEqualTo("accepted");
        assertThat(reason("How do I reset my password?", "How can I reset my password?")).isEqualTo("accepted");
        // a clause that moves as a whole keeps the meaning
        assertThat(reason("In 1847, Sullivan County was formed from Lycoming County.",
                "Sullivan County was formed from Lycoming County in 1847.")).isEqualTo("accepted");
        // a floating adverb may move
        assertThat(reason("The team still played under the name of Great Britain.",
                "The team played still under the name of Great Britain.")).isEqualTo("accepted");
    }

    @Test
    void differentNamesNumbersNegationAndOppositesAreRefused() {
        assertThat(reason("What is the capital of France?", "What is the capital of Germany?")).isEqualTo("entity");
        assertThat(reason("List the top 5 movies of 2020", "List the top 10 movies of 2020")).isEqualTo("number");
        assertThat(reason("Is Python a compiled language?", "Isn't Python a compiled language?")).isEqualTo("negation");
        assertThat(reason("Sort the list in ascending order", "Sort the list in descending order")).isEqualTo("opposite");
        // headlines in title case: capitals say nothing, so no entity veto on them
        assertThat(reason("Jordan Opens First Tent Camp For Syrian Refugees", "Jordan Opens First Refugee Camp For Syrians"))
                .isEqualTo("accepted");
    }

    @Test
    void wordsThatTradePlacesAreRefused() {
        assertThat(reason("Convert 30 degrees from Celsius to Fahrenheit", "Convert 30 degrees from Fahrenheit to Celsius"))
                .isEqualTo("swap");
        assertThat(reason("Ali was married to Gül Sunal and had two children, Kemal Sunal and Ezo Sunal.",
                "Kemal Sunal was married to Gül Sunal and had two children, Ali and Ezo Sunal.")).isEqualTo("swap");
        assertThat(reason("Did the Yankees beat the Red Sox in the final?", "Did the Red Sox beat the Yankees in the final?"))
                .isEqualTo("swap");
        // a word moved into a slot where the other text has another word, and its old slot refilled
        assertThat(reason("Adobe Premiere Express was a simple internet application for digital editing of extensive video files.",
                "Adobe Premiere Express was a rich Internet application for simple editing of digital video files.")).isEqualTo("moved-word");
    }

    @Test
    void strictModeAlsoRefusesMovedWords() {
        PromptVerifier strict = new PromptVerifier(true);
        String a = "In 1847, Sullivan County was formed from Lycoming County.";
        String b = "Sullivan County was formed from Lycoming County in 1847.";
        assertThat(verifier.verify(a, b).accepted()).isTrue();
        assertThat(strict.verify(a, b).reason()).isEqualTo("reordered");
        assertThat(strict.verify("How do I reset my password?", "How can I reset my password?").accepted()).isTrue();
    }

    @Test
    void configDefaultsAndValidation() {
        SemanticCacheConfig defaults = new SemanticCacheConfig("minilm", null, null, null, null, null, null, null, null);
        assertThat(defaults.threshold()).isEqualTo(0.85);
        assertThat(defaults.verification()).isEqualTo(SemanticCacheConfig.Verification.STANDARD);
        assertThat(defaults.scope()).isEqualTo(LlmCacheConfig.Scope.CONSUMER);
        assertThat(defaults.cacheSampled()).isFalse();
        assertThat(CollectingConfigErrors.of(new SemanticCacheConfig(null, 1.5, null, java.time.Duration.ZERO, 0L, null, null, 0, " ")))
                .containsExactly("embedder: required: the name of an Embedder component (e.g. components: { minilm: { type: onnx-embedder } })",
                        "threshold: must be in (0, 1]", "ttl: must be positive", "maxEntries: must be positive",
                        "maxPromptChars: must be positive", "store: must not be blank");
    }

    @Test
    void canonicalFormDropsFramingAndNamesTheMaterialOneWay() {
        assertThat(canon.canonical("Summarize this document")).isEqualTo("summarize this text");
        assertThat(canon.canonical("Give me a summary of this text")).isEqualTo("summarize this text");
        assertThat(canon.canonical("Please, could you explain the following passage?")).isEqualTo("explain this text");
        assertThat(canon.canonical("  Can you   translate   THIS ARTICLE to French, please ")).isEqualTo("translate this text to french");
        assertThat(canon.canonical("What is the capital of France?")).isEqualTo("what is the capital of france");
        assertThat(canon.canonical("?")).isEqualTo("?");
    }
}
