package dev.portcullis.guard.detect;

/**
 * Invisible and confusable characters: finds them and gives a normalised copy of the text in
 * which they no longer hide anything. Invisible: zero-width characters, bidirectional controls
 * and Unicode tag characters (which smuggle ASCII past a human reader). Confusable: a word that
 * mixes Latin letters with Cyrillic or Greek look-alikes ("ignоre" with a Cyrillic o).
 */
public final class UnicodeTricks {

    /**
     * What {@link #inspect} found.
     *
     * @param normalised the text with invisible characters removed, tag characters turned back
     *                   into the ASCII they encode and look-alikes mapped to Latin
     * @param invisible  whether hidden characters were present in a suspicious amount
     * @param confusable whether a word mixed Latin with look-alike letters
     */
    public record Findings(String normalised, boolean invisible, boolean confusable) {}

    private UnicodeTricks() {}

    /** Scans {@code text} once. */
    public static Findings inspect(String text) {
        StringBuilder out = null;
        int zeroWidth = 0;
        boolean bidiOrTag = false;
        boolean confusable = false;
        boolean wordHasLatin = false;
        boolean wordHasLookalike = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            int replacement = cp;
            if (isZeroWidth(cp)) {
                zeroWidth++;
                replacement = -1;
            } else if (isBidiControl(cp)) {
                bidiOrTag = true;
                replacement = -1;
            } else if (cp >= 0xE0000 && cp <= 0xE007F) {
                bidiOrTag = true;
                replacement = cp >= 0xE0020 && cp <= 0xE007E ? cp - 0xE0000 : -1; // tag chars mirror ASCII
            } else {
                int latin = lookalike(cp);
                if (latin != 0) {
                    wordHasLookalike = true;
                    replacement = latin;
                } else if (Character.isLetter(cp)) {
                    if (cp < 0x250) {
                        wordHasLatin = true;
                    }
                } else {
                    confusable |= wordHasLatin && wordHasLookalike;
                    wordHasLatin = false;
                    wordHasLookalike = false;
                }
            }
            if (replacement != cp && out == null) {
                out = new StringBuilder(text.length());
                out.append(text, 0, i);
            }
            if (out != null && replacement >= 0) {
                out.appendCodePoint(replacement);
            }
            i += n;
        }
        confusable |= wordHasLatin && wordHasLookalike;
        // a stray zero-width space or two is common in pasted text; hidden content needs more
        boolean invisible = bidiOrTag || zeroWidth >= 4;
        String normalised = out == null ? text : out.toString();
        if (!confusable && out != null && !invisible) {
            normalised = text; // look-alikes in a wholly Cyrillic or Greek text are just that language
        }
        return new Findings(normalised, invisible, confusable);
    }

    private static boolean isZeroWidth(int cp) {
        return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x180E;
    }

    private static boolean isBidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }

    /** The Latin letter a Cyrillic or Greek letter is drawn like, or 0. */
    private static int lookalike(int cp) {
        return switch (cp) {
            case 0x0430 -> 'a'; case 0x0435 -> 'e'; case 0x043E -> 'o'; case 0x0440 -> 'p'; case 0x0441 -> 'c';
            case 0x0443 -> 'y'; case 0x0445 -> 'x'; case 0x0456 -> 'i'; case 0x0458 -> 'j'; case 0x0455 -> 's';
            case 0x04BB -> 'h'; case 0x0501 -> 'd'; case 0x051B -> 'q'; case 0x051D -> 'w';
            case 0x0410 -> 'A'; case 0x0412 -> 'B'; case 0x0415 -> 'E'; case 0x041A -> 'K'; case 0x041C -> 'M';
            case 0x041D -> 'H'; case 0x041E -> 'O'; case 0x0420 -> 'P'; case 0x0421 -> 'C'; case 0x0422 -> 'T';
            case 0x0425 -> 'X'; case 0x0406 -> 'I'; case 0x0408 -> 'J'; case 0x0405 -> 'S';
            case 0x03BF -> 'o'; case 0x03B1 -> 'a'; case 0x03B5 -> 'e'; case 0x03B9 -> 'i'; case 0x03BD -> 'v';
            case 0x03C1 -> 'p'; case 0x03C5 -> 'u'; case 0x0391 -> 'A'; case 0x0392 -> 'B'; case 0x0395 -> 'E';
            case 0x0397 -> 'H'; case 0x0399 -> 'I'; case 0x039A -> 'K'; case 0x039C -> 'M'; case 0x039D -> 'N';
            case 0x039F -> 'O'; case 0x03A1 -> 'P'; case 0x03A4 -> 'T'; case 0x03A7 -> 'X'; case 0x0396 -> 'Z';
            default -> 0;
        };
    }
}
