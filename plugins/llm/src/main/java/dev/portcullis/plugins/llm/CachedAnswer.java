package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.ChatResponse;

/**
 * One answer held by the semantic cache.
 *
 * @param id        the exact key: a hash of the scope and the whole normalised request
 * @param scope     who may reuse it: a consumer, or {@code *} when global
 * @param partition a hash of everything but the last user message (model, system, earlier turns,
 *                  tools, parameters): only entries of one partition are compared by meaning
 * @param prompt    the last user message as written, for the verification step; null when the
 *                  entry is for exact matches only
 * @param vector    the embedding of the canonical prompt; null with {@code prompt}
 * @param answer    the complete answer
 */
record CachedAnswer(String id, String scope, String partition, String prompt, float[] vector, ChatResponse answer) {

    /** Whether the entry takes part in similarity search. */
    boolean semantic() {
        return vector != null;
    }
}
