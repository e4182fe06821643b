package dev.portcullis.guard.detect;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule layer of the prompt guard: precompiled patterns for the usual injection moves, each
 * with a stable name that becomes a reason ({@code heuristic:<name>}) and a feature of the
 * classifier head. Matching runs on the {@link UnicodeTricks#normalise normalised} text, so
 * zero-width characters and Cyrillic look-alikes do not hide a phrase; encoded payloads are
 * decoded and matched again.
 *
 * <p>Immutable and thread-safe; no regex is compiled per call.
 */
public final class Heuristics {

    /** Rule names, in feature order. */
    public static final List<String> NAMES = List.of(
            "instruction-override", "role-hijack", "system-prompt-extraction", "encoded-payload",
            "invisible-unicode", "confusable-unicode", "addressed-to-assistant");

    static final int OVERRIDE = 0;
    static final int ROLE_HIJACK = 1;
    static final int EXTRACTION = 2;
    static final int ENCODED = 3;
    static final int INVISIBLE = 4;
    static final int CONFUSABLE = 5;
    static final int ADDRESSED = 6;

    // per rule, in NAMES order: the weight in the heuristics-only score
    private static final double[] WEIGHTS = {0.9, 0.8, 0.7, 0.9, 0.6, 0.4, 0.5};

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    // "ignore all previous instructions", "disregard the above", "vergiss alles davor", "ignorieren Sie die obigen Anweisungen"
    private static final Pattern OVERRIDE_RX = Pattern.compile(
            "\\b(?:ignore|disregard|forget|overrid(?:e|ing)|bypass|abandon|discard|neglect|skip)\\b[^.!?\\n]{0,40}?"
                    + "\\b(?:previous|prior|above|earlier|preceding|foregoing|initial|original|system|all|any|your|every)\\b"
                    + "[^.!?\\n]{0,30}?\\b(?:instructions?|prompts?|rules?|directives?|guidelines?|commands?|context|"
                    + "restrictions?|programming|constraints?|policies|polic(?:y)|tasks?|assignments?|orders?|said|told|everything)\\b"
                    + "|\\b(?:ignore|disregard) (?:the |all )?(?:above|previous|prior|all|everything)\\b"
                    + "|\\bforget (?:about )?(?:everything|all)(?: (?:we(?:'ve| have)?|you(?:'ve| have)?|that|above|before|so far|previous))"
                    + "|\\b(?:new|updated|real|actual|different) (?:instructions|task|rules|orders|directive)s?\\s*(?::|follow|are)"
                    + "|\\b(?:vergiss|vergessen sie|ignorier(?:e|en sie)?|missachte)\\b[^.!?\\n]{0,40}?"
                    + "\\b(?:alles|anweisungen|instruktionen|befehle|regeln|vorherig\\w*|obig\\w*|davor|bisher\\w*)\\b"
                    + "|\\b(?:nun|jetzt|ab jetzt)\\b[^.!?\\n]{0,20}\\bneue (?:aufgabe|anweisung|aufgaben|anweisungen)\\b",
            FLAGS);

    // persona take-overs that strip restrictions: DAN, developer mode, "you have no rules"
    private static final Pattern ROLE_RX = Pattern.compile(
            "\\b(?:DAN|STAN|DUDE|AIM)\\b(?=[^\\n]{0,80}\\b(?:mode|stands? for|do anything|prompt|persona|character|jailbr))"
                    + "|\\bdo anything now\\b|\\bdeveloper mode\\b|\\bjailbr(?:oken|eak mode|eak prompt)\\b|\\bgod ?mode\\b"
                    + "|\\b(?:you are|you're|act as|acting as|pretend(?: to be)?|roleplay as|simulate|behave like|become|you will be|you will now be)"
                    + "\\b[^\\n]{0,80}?\\b(?:unfiltered|uncensored|unrestricted|unethical|amoral|immoral|unbound|unchained|unlimited|limitless|lawless|evil)\\b"
                    + "|\\b(?:no|without(?: any)?|free (?:of|from)|freed from|broken free of|not bound by|don't have|do not have|doesn't have|does not have)"
                    + " (?:\\w+ ){0,2}(?:restrictions|limits|limitations|rules|filters|filtering|guidelines|ethics|morals|moral|censorship|boundaries)\\b"
                    + "|\\b(?:openai|anthropic)(?:'s)? (?:content )?polic(?:y|ies)\\b"
                    + "|\\b(?:jetzt|nun|ab jetzt) bist du\\b|\\bdu bist (?:jetzt|nun|ab jetzt)\\b",
            FLAGS);

    // "print your system prompt", "repeat the words above", "what were your initial instructions"
    private static final Pattern EXTRACTION_RX = Pattern.compile(
            "\\b(?:reveal|show|print|repeat|output|display|leak|dump|spell out|recite|tell me|give me|share|write out|list)"
                    + "\\b[^.!?\\n]{0,40}?\\b(?:system prompt|system message|initial (?:prompt|instructions)|original (?:prompt|instructions)"
                    + "|hidden (?:prompt|instructions)|secret (?:prompt|instructions|password|key)|(?:your|the) (?:instructions|prompt|guidelines|directives)"
                    + "|(?:everything|text|words|all|instructions) (?:above|before)|prompt text|(?:the )?password)\\b"
                    + "|\\bwhat (?:is|are|was|were) (?:your|the) (?:system prompt|initial instructions|instructions|original instructions|secret|password)\\b"
                    + "|\\b(?:system|initial) prompt\\b"
                    + "|\\b(?:gib|zeige?|nenne|wiederhole)\\b[^.!?\\n]{0,30}\\b(?:prompt|anweisungen|passwort)\\b",
            FLAGS);

    // an instruction about the assistant's own answer, typical of injections hidden in documents:
    // "in your response, suggest ...", "reply in German", "encode your message in Base58"
    private static final Pattern ADDRESSED_RX = Pattern.compile(
            "\\b(?:in|to|into|of|with|throughout|within) your (?:response|reply|answer|message|output|summary)\\b"
                    + "|\\b(?:modify|enhance|render|encode|format|provide|write|give|shift|rewrite|translate|end|start|begin|conclude|make|keep|reverse|compose|present|deliver|craft|express)"
                    + " (?:\\w+ ){0,3}?your (?:response|reply|answer|message|output|responses|replies|answers)\\b"
                    + "|\\b(?:reply|respond|answer) (?:only |exclusively |solely )?(?:in|using|with|by) (?!the following|this email|to this)"
                    + "|\\b(?:assistant|ai|chatbot|language model|llm)s?,? (?:must|should|shall|will|please)\\b",
            FLAGS);

    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{24,}={0,2}");
    private static final Pattern HEX_RUN = Pattern.compile("(?:[0-9a-fA-F]{2}[\\s:]?){16,}");

    private Heuristics() {}

    /**
     * Which rules fire on {@code raw}, as a 0/1 vector in {@link #NAMES} order.
     */
    public static float[] features(String raw) {
        return features(UnicodeTricks.inspect(raw));
    }

    /** Which rules fire on a text already {@link UnicodeTricks#inspect inspected}. */
    public static float[] features(UnicodeTricks.Findings tricks) {
        float[] f = new float[NAMES.size()];
        f[INVISIBLE] = tricks.invisible() ? 1 : 0;
        f[CONFUSABLE] = tricks.confusable() ? 1 : 0;
        String text = tricks.normalised();
        f[OVERRIDE] = OVERRIDE_RX.matcher(text).find() ? 1 : 0;
        f[ROLE_HIJACK] = ROLE_RX.matcher(text).find() ? 1 : 0;
        f[EXTRACTION] = EXTRACTION_RX.matcher(text).find() ? 1 : 0;
        f[ENCODED] = encodedInstruction(text) ? 1 : 0;
        f[ADDRESSED] = ADDRESSED_RX.matcher(text).find() ? 1 : 0;
        return f;
    }

    /**
     * The score of the rules alone, when no embedder is configured: a noisy-OR of per-rule
     * weights, so one strong rule reaches 0.5 and weak ones (look-alike letters, an instruction
     * about "your response") need company.
     */
    public static double score(float[] features) {
        double miss = 1;
        for (int i = 0; i < features.length; i++) {
            if (features[i] > 0) {
                miss *= 1 - WEIGHTS[i];
            }
        }
        return 1 - miss;
    }

    /** The reasons ({@code heuristic:<name>}) of the rules that fire in {@code features}. */
    public static List<String> reasons(float[] features) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < features.length; i++) {
            if (features[i] > 0) {
                out.add("heuristic:" + NAMES.get(i));
            }
        }
        return out;
    }

    /** Whether a base64 or hex run decodes to readable text that itself carries an injection move. */
    private static boolean encodedInstruction(String text) {
        Matcher b64 = BASE64_RUN.matcher(text);
        while (b64.find()) {
            String run = b64.group();
            if (run.chars().allMatch(Character::isLetter)) {
                continue; // a long word, not an encoding
            }
            String decoded = decodeBase64(run);
            if (decoded != null && carriesInstruction(decoded)) {
                return true;
            }
        }
        Matcher hex = HEX_RUN.matcher(text);
        while (hex.find()) {
            String decoded = decodeHex(hex.group());
            if (decoded != null && carriesInstruction(decoded)) {
                return true;
            }
        }
        return false;
    }

    private static boolean carriesInstruction(String decoded) {
        return OVERRIDE_RX.matcher(decoded).find() || ROLE_RX.matcher(decoded).find()
                || EXTRACTION_RX.matcher(decoded).find();
    }

    private static String decodeBase64(String run) {
        String s = run;
        int pad = (4 - s.length() % 4) % 4;
        if (pad == 3) {
            s = s.substring(0, s.length() - 1);
            pad = (4 - s.length() % 4) % 4;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(s + "=".repeat(pad));
            return printable(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decodeHex(String run) {
        StringBuilder digits = new StringBuilder(run.length());
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (Character.digit(c, 16) >= 0) {
                digits.append(c);
            }
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits, 2 * i, 2 * i + 2, 16);
        }
        return printable(bytes);
    }

    /** The bytes as text if they are mostly printable ASCII (an encoded sentence), else null. */
    private static String printable(byte[] bytes) {
        if (bytes.length < 12) {
            return null;
        }
        int ok = 0;
        for (byte b : bytes) {
            if ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t') {
                ok++;
            }
        }
        return ok >= bytes.length * 0.9 ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1) : null;
    }
}
