package dev.portcullis.spi;

/**
 * Decides whether two prompts mean the same thing, the way a semantic cache decides whether a
 * stored answer may serve a new question: a similarity score, and a verification step that may
 * veto a pair the score alone would accept (a different entity, number or negation, words that
 * swapped roles). The {@code semantic-cache} policy is one; {@code portcullis eval cache}
 * sweeps thresholds over it on labelled pairs.
 *
 * <p>Thread-safe; CPU-bound and blocking (milliseconds: it may embed both texts).
 */
public interface SimilarityJudge {

    /** Judges one pair of texts; never null. */
    Judgement judge(String a, String b);

    /** The similarity at or above which the judge's owner treats a verified pair as the same. */
    double threshold();

    /**
     * One pair's verdict.
     *
     * @param similarity the similarity of the two texts, a cosine in [-1, 1]
     * @param verified   whether the verification step accepts the pair, whatever the similarity
     * @param reason     why verification refused it ({@code entity}, {@code number}, {@code negation},
     *                   {@code opposite}, {@code swap}, {@code moved-word}), or {@code ""}; never the text
     */
    record Judgement(double similarity, boolean verified, String reason) {

        public Judgement {
            reason = reason == null ? "" : reason;
        }

        /** Whether the pair counts as the same at {@code threshold}. */
        public boolean matches(double threshold) {
            return verified && similarity >= threshold;
        }
    }
}
