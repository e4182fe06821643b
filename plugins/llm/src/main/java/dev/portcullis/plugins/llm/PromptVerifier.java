package dev.portcullis.plugins.llm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The semantic cache's verification step: vetoes a pair of prompts whose embeddings are close
 * but whose meaning differs in ways a bag-of-words vector cannot see. Measured on the paraphrase
 * dev set (docs/semantic-cache.md), each check exists because it removed false hits:
 * <ul>
 *   <li>{@code negation}: one text negates, the other does not;</li>
 *   <li>{@code number}: the numbers differ ("top 5" vs "top 10");</li>
 *   <li>{@code entity}: each text names something the other does not (France / Germany);</li>
 *   <li>{@code opposite}: the texts use opposite words of one small group (ascending /
 *       descending, before / after, north / south);</li>
 *   <li>{@code swap}: words kept their places but two of them traded places around a third
 *       ("X defeated Y" vs "Y defeated X") — a decreasing run of three aligned blocks;</li>
 *   <li>{@code moved-word}: a content word moved into a slot where the other text has another
 *       content word, and the slot it left was filled too (substitute-and-move);</li>
 *   <li>{@code reordered} (strict mode only): any content word out of the common order.</li>
 * </ul>
 * Alignment: the longest common runs of lower-cased word tokens are matched greedily; word order
 * is then judged on the matched blocks. Pure clause moves ("In 1990, X did Y" / "X did Y in
 * 1990") pass. Stateless and thread-safe; {@code O(n·m)} per matched block, so callers bound the
 * text length.
 */
final class PromptVerifier {

    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern CONTRACTED_NOT = Pattern.compile("n['’]t\\b", Pattern.CASE_INSENSITIVE);

    private static final Set<String> STOP = Set.of(("a an the of to in on at by for with from and or but is are was were be been "
            + "being as that this these those it its he she they them his her their there here which who whom whose what when "
            + "where why how than then so such into onto over under about after before during also has have had do does did "
            + "will would can could should may might must shall i you we me my our your us not no s").split(" "));
    private static final Set<String> NEGATION = Set.of("not", "no", "never", "none", "nobody", "nothing", "neither", "nor",
            "without", "cannot");
    /** Adverbs that float freely in a sentence; moving one changes nothing. */
    private static final Set<String> FLOATING = Set.of("however", "also", "still", "then", "later", "now", "currently",
            "originally", "finally", "thus", "therefore", "instead", "already", "often", "usually", "sometimes", "again",
            "too", "first");
    /** Groups of mutually exclusive words: two texts using different members say different things. */
    private static final List<Set<String>> OPPOSITES = List.of(
            Set.of("ascending", "descending"), Set.of("increase", "decrease", "increases", "decreases"),
            Set.of("higher", "lower"), Set.of("up", "down"), Set.of("open", "close", "closed", "opens", "closes"),
            Set.of("before", "after"), Set.of("more", "less", "fewer"), Set.of("rise", "fall", "rises", "falls"),
            Set.of("win", "lose", "won", "lost", "wins", "loses"), Set.of("buy", "sell", "bought", "sold"),
            Set.of("true", "false"), Set.of("yes", "no"), Set.of("first", "last"), Set.of("min", "max", "minimum", "maximum"),
            Set.of("enable", "disable", "enabled", "disabled"), Set.of("add", "remove", "added", "removed"),
            Set.of("import", "export"), Set.of("encrypt", "decrypt"), Set.of("encode", "decode"),
            Set.of("accept", "reject", "accepted", "rejected"), Set.of("allow", "deny", "allowed", "denied"),
            Set.of("start", "stop", "started", "stopped"), Set.of("north", "south", "east", "west", "northern", "southern",
                    "eastern", "western", "nw", "ne", "sw", "se"),
            Set.of("left", "right"), Set.of("largest", "smallest"), Set.of("best", "worst"), Set.of("oldest", "newest", "youngest"),
            Set.of("positive", "negative"), Set.of("success", "failure"), Set.of("pros", "cons"),
            Set.of("advantages", "disadvantages"), Set.of("celsius", "fahrenheit", "kelvin"));

    /** The outcome; the reason is empty when the pair passes. */
    record Result(boolean accepted, String reason) {
        static final Result ACCEPT = new Result(true, "");
    }

    private final boolean strict;

    /** @param strict also refuse any content word that moved (trades paraphrase hits for fewer false hits) */
    PromptVerifier(boolean strict) {
        this.strict = strict;
    }

    Result verify(String a, String b) {
        List<String> ta = tokens(a);
        List<String> tb = tokens(b);
        if (hasNegation(ta) != hasNegation(tb)) {
            return refuse("negation");
        }
        if (!numbers(ta).equals(numbers(tb))) {
            return refuse("number");
        }
        if (entityMismatch(a, b, ta, tb)) {
            return refuse("entity");
        }
        if (opposite(ta, tb)) {
            return refuse("opposite");
        }
        List<int[]> blocks = align(ta, tb);
        if (swapped(ta, blocks)) {
            return refuse("swap");
        }
        if (movedIntoFilledSlot(ta, tb, blocks)) {
            return refuse("moved-word");
        }
        if (strict && anyContentMoved(ta, blocks)) {
            return refuse("reordered");
        }
        return Result.ACCEPT;
    }

    private static Result refuse(String reason) {
        return new Result(false, reason);
    }

    static List<String> tokens(String text) {
        String t = CONTRACTED_NOT.matcher(text.replace('’', '\'')).replaceAll(" not");
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(t);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static boolean content(String w) {
        return !STOP.contains(w);
    }

    private static boolean hasNegation(List<String> t) {
        for (String w : t) {
            if (NEGATION.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> numbers(List<String> t) {
        Set<String> out = new HashSet<>();
        for (String w : t) {
            if (!w.isEmpty() && w.chars().allMatch(Character::isDigit)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Plural and third-person endings off, so "Syrians" meets "Syrian". */
    private static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 4 && w.endsWith("es")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 4 && w.endsWith("s")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /**
     * Capitalised words after the first (names) that the other text lacks, on both sides: a name
     * was replaced by another. Title-case text (headlines) says nothing through capitals.
     */
    private static boolean entityMismatch(String a, String b, List<String> ta, List<String> tb) {
        Set<String> na = names(a);
        Set<String> nb = names(b);
        if (na == null || nb == null) {
            return false;
        }
        return !missing(na, tb).isEmpty() && !missing(nb, ta).isEmpty();
    }

    private static Set<String> names(String text) {
        Matcher m = WORD.matcher(text.replace('’', '\''));
        List<String> words = new ArrayList<>();
        while (m.find()) {
            words.add(m.group());
        }
        if (words.isEmpty()) {
            return Set.of();
        }
        int capitals = 0;
        for (String w : words) {
            if (Character.isUpperCase(w.codePointAt(0))) {
                capitals++;
            }
        }
        if (capitals * 10 > words.size() * 6) {
            return null;
        }
        Set<String> out = new HashSet<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            String lower = w.toLowerCase(Locale.ROOT);
            if (Character.isUpperCase(w.codePointAt(0)) && content(lower)) {
                out.add(lower);
            }
        }
        return out;
    }

    private static Set<String> missing(Set<String> names, List<String> other) {
        Set<String> stems = new HashSet<>();
        for (String w : other) {
            stems.add(stem(w));
        }
        Set<String> out = new HashSet<>();
        for (String n : names) {
            if (!stems.contains(stem(n))) {
                out.add(n);
            }
        }
        return out;
    }

    private static boolean opposite(List<String> ta, List<String> tb) {
        Set<String> sa = new HashSet<>(ta);
        Set<String> sb = new HashSet<>(tb);
        for (Set<String> group : OPPOSITES) {
            Set<String> ga = new HashSet<>(sa);
            ga.retainAll(group);
            Set<String> gb = new HashSet<>(sb);
            gb.retainAll(group);
            if (!ga.isEmpty() && !gb.isEmpty() && !ga.equals(gb)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Matched blocks {@code {startA, startB, length}} sorted by {@code startA}: repeatedly the
     * longest run of equal tokens among the tokens not matched yet.
     */
    static List<int[]> align(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        boolean[] usedA = new boolean[n];
        boolean[] usedB = new boolean[m];
        List<int[]> blocks = new ArrayList<>();
        int[] prev = new int[m + 1];
        int[] cur = new int[m + 1];
        while (true) {
            int bestLen = 0;
            int bestI = -1;
            int bestJ = -1;
            java.util.Arrays.fill(prev, 0);
            for (int i = 0; i < n; i++) {
                cur[0] = 0;
                for (int j = 0; j < m; j++) {
                    int len = !usedA[i] && !usedB[j] && a.get(i).equals(b.get(j)) ? prev[j] + 1 : 0;
                    cur[j + 1] = len;
                    // the first longest run, by where it starts, keeps the choice deterministic
                    if (len > bestLen || (len == bestLen && len > 0 && (i - len + 1 < bestI || (i - len + 1 == bestI && j - len + 1 < bestJ)))) {
                        bestLen = len;
                        bestI = i - len + 1;
                        bestJ = j - len + 1;
                    }
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            if (bestLen == 0) {
                break;
            }
            for (int k = 0; k < bestLen; k++) {
                usedA[bestI + k] = true;
                usedB[bestJ + k] = true;
            }
            blocks.add(new int[] {bestI, bestJ, bestLen});
        }
        blocks.sort((x, y) -> Integer.compare(x[0], y[0]));
        return blocks;
    }

    private static boolean hasContent(List<String> t, int from, int len) {
        for (int k = from; k < from + len; k++) {
            if (content(t.get(k))) {
                return true;
            }
        }
        return false;
    }

    /** Three blocks whose order is reversed, the outer two holding content words: X…M…Y became Y…M…X. */
    private static boolean swapped(List<String> a, List<int[]> blocks) {
        int n = blocks.size();
        boolean[] content = new boolean[n];
        for (int x = 0; x < n; x++) {
            content[x] = hasContent(a, blocks.get(x)[0], blocks.get(x)[2]);
        }
        for (int x = 0; x < n; x++) {
            if (!content[x]) {
                continue;
            }
            for (int mid = x + 1; mid < n; mid++) {
                if (blocks.get(mid)[1] >= blocks.get(x)[1]) {
                    continue;
                }
                for (int y = mid + 1; y < n; y++) {
                    if (content[y] && blocks.get(y)[1] < blocks.get(mid)[1]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The blocks of the longest (by tokens) subsequence in the same order in both texts. */
    private static boolean[] inOrder(List<int[]> blocks) {
        int n = blocks.size();
        int[] best = new int[n];
        int[] prev = new int[n];
        int top = -1;
        for (int i = 0; i < n; i++) {
            best[i] = blocks.get(i)[2];
            prev[i] = -1;
            for (int j = 0; j < i; j++) {
                if (blocks.get(j)[1] < blocks.get(i)[1] && best[j] + blocks.get(i)[2] > best[i]) {
                    best[i] = best[j] + blocks.get(i)[2];
                    prev[i] = j;
                }
            }
            if (top < 0 || best[i] > best[top]) {
                top = i;
            }
        }
        boolean[] keep = new boolean[n];
        for (int i = top; i >= 0; i = prev[i]) {
            keep[i] = true;
        }
        return keep;
    }

    /**
     * A short moved block of content words (not a floating adverb) whose old slot now holds other
     * content and whose new slot held other content: a substitution dressed as a move.
     */
    private static boolean movedIntoFilledSlot(List<String> a, List<String> b, List<int[]> blocks) {
        boolean[] keep = inOrder(blocks);
        int[] mapA = new int[a.size()];
        int[] mapB = new int[b.size()];
        java.util.Arrays.fill(mapA, -1);
        java.util.Arrays.fill(mapB, -1);
        for (int[] bl : blocks) {
            for (int k = 0; k < bl[2]; k++) {
                mapA[bl[0] + k] = bl[1] + k;
                mapB[bl[1] + k] = bl[0] + k;
            }
        }
        for (int x = 0; x < blocks.size(); x++) {
            int[] bl = blocks.get(x);
            int i = bl[0];
            int j = bl[1];
            int k = bl[2];
            if (keep[x] || k > 3) {
                continue;
            }
            int words = 0;
            boolean floating = true;
            for (int t = i; t < i + k; t++) {
                String w = a.get(t);
                if (content(w)) {
                    words++;
                    floating &= FLOATING.contains(w) || w.endsWith("ly");
                }
            }
            if (words == 0 || floating) {
                continue;
            }
            int p = neighbour(mapA, i - 1, -1, i, i + k);
            int q = neighbour(mapA, i + k, 1, i, i + k);
            int gap = p < 0 || q < 0 ? 0 : between(b, mapA[p], mapA[q]) - (within(j, mapA[p], mapA[q]) ? words : 0);
            int p2 = neighbour(mapB, j - 1, -1, j, j + k);
            int q2 = neighbour(mapB, j + k, 1, j, j + k);
            int landing = p2 < 0 || q2 < 0 ? 0 : between(a, mapB[p2], mapB[q2]) - (within(i, mapB[p2], mapB[q2]) ? words : 0);
            if (gap >= 1 && landing >= 1) {
                return true;
            }
        }
        return false;
    }

    /** Strict mode: any block of content words (not floating adverbs) out of the common order. */
    private static boolean anyContentMoved(List<String> a, List<int[]> blocks) {
        boolean[] keep = inOrder(blocks);
        for (int x = 0; x < blocks.size(); x++) {
            if (keep[x]) {
                continue;
            }
            int[] bl = blocks.get(x);
            for (int t = bl[0]; t < bl[0] + bl[2]; t++) {
                String w = a.get(t);
                if (content(w) && !FLOATING.contains(w) && !w.endsWith("ly")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int neighbour(int[] map, int from, int step, int skipFrom, int skipTo) {
        for (int p = from; p >= 0 && p < map.length; p += step) {
            if (map[p] >= 0 && (p < skipFrom || p >= skipTo)) {
                return p;
            }
        }
        return -1;
    }

    private static boolean within(int x, int lo, int hi) {
        return Math.min(lo, hi) < x && x < Math.max(lo, hi);
    }

    private static int between(List<String> t, int lo, int hi) {
        int from = Math.min(lo, hi) + 1;
        int to = Math.max(lo, hi);
        int n = 0;
        for (int k = from; k < to; k++) {
            if (content(t.get(k))) {
                n++;
            }
        }
        return n;
    }
}
