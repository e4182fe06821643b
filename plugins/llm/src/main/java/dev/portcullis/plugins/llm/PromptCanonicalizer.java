package dev.portcullis.plugins.llm;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a prompt into the form the semantic cache embeds: lower case, single spaces, no
 * politeness or request framing ("please", "can you", "give me"), and a nominalised instruction
 * turned back into its verb ("give me a summary of" → "summarize"). Framing words dominate the
 * vector of a short prompt: all-MiniLM-L6-v2 scores "Summarize this document" / "Give me a summary
 * of this text" 0.504 as written; after this step both read "summarize this text". The material a
 * prompt points at ("this document", "the following passage") is named one way. Only the
 * embedded text changes; the verification step sees the prompts as written.
 */
final class PromptCanonicalizer {

    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Pattern TRAILING = Pattern.compile("[\\s?.!]+$");
    /** Framing at the start, removed repeatedly ("please, could you ..."). */
    private static final List<Pattern> LEADING = List.of(
            Pattern.compile("^(please|pls|kindly|hey|hi|hello)\\b[\\s,]*"),
            Pattern.compile("^(can|could|would|will) you( please| kindly)?\\s+"),
            Pattern.compile("^i('d| would)? (like|want|need) you to\\s+"),
            Pattern.compile("^(help me|tell me|show me)\\s+(?=how|what|why|when|where|who|which|about)"));
    private static final Pattern TRAILING_PLEASE = Pattern.compile("[\\s,]+please$");
    private static final Pattern NOMINAL = Pattern.compile(
            "^(give|write|provide|make|create|produce|generate|prepare)( me| us)?( a| an| the)?\\s+"
                    + "(summary|translation|explanation|description|definition|analysis|comparison|list)\\s+(of|for)\\s+");
    /** The material a prompt points at, however it is named, is "this text". */
    private static final Pattern MATERIAL = Pattern.compile(
            "\\b(this|the following|the attached|the given|the provided|the below|that|the)\\s+"
                    + "(document|doc|text|passage|article|paragraph|content|piece of text|excerpt)\\b(\\s+below)?");
    private static final Map<String, String> VERB = Map.of("summary", "summarize", "translation", "translate",
            "explanation", "explain", "description", "describe", "definition", "define", "analysis", "analyze",
            "comparison", "compare", "list", "list");

    /** The canonical form of {@code prompt}. */
    String canonical(String prompt) {
        String t = SPACE.matcher(prompt.toLowerCase(Locale.ROOT).replace('’', '\'')).replaceAll(" ").strip();
        t = TRAILING.matcher(t).replaceAll("");
        t = TRAILING_PLEASE.matcher(t).replaceAll("");
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Pattern p : LEADING) {
                Matcher m = p.matcher(t);
                if (m.find()) {
                    t = t.substring(m.end());
                    changed = true;
                }
            }
        }
        Matcher m = NOMINAL.matcher(t);
        if (m.find()) {
            t = VERB.get(m.group(4)) + " " + t.substring(m.end());
        }
        t = MATERIAL.matcher(t).replaceAll("this text");
        return t.isEmpty() ? prompt : t;
    }
}
