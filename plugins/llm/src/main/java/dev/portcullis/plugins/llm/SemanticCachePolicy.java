package dev.portcullis.plugins.llm;

import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Embedder;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SimilarityJudge;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.ChatRequest;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Semantic response cache for chat calls. Lookup order:
 * <ol>
 *   <li><b>exact</b>: a SHA-256 of the scope and the whole normalised request, as {@code llm-cache};</li>
 *   <li><b>semantic</b>: when the last message is a user text, its canonical form
 *       ({@link PromptCanonicalizer}) is embedded and compared with the stored prompts that share
 *       everything else (model, system, earlier turns, tools, parameters: the partition). The most
 *       similar ones at or above {@code threshold} go through {@link PromptVerifier}; the first it
 *       accepts is the hit.</li>
 * </ol>
 * Scope is per consumer unless configured global. Only complete answers are stored (no errors,
 * truncations or tool calls), and by default not requests with an explicit temperature above 0.
 * Hits are replayed in the client's format (a stream when the client streams) with {@code X-Cache:
 * HIT}, {@code X-Cache-Match: exact|semantic} and {@code X-Cache-Similarity}; others get {@code
 * X-Cache: MISS}. Also the {@link SimilarityJudge} that {@code portcullis eval cache} measures, and
 * the admin endpoint {@code cache}.
 */
final class SemanticCachePolicy implements Policy, AdminEndpoint, SimilarityJudge {

    static final String HEADER = "X-Cache";
    static final String MATCH_HEADER = "X-Cache-Match";
    static final String SIMILARITY_HEADER = "X-Cache-Similarity";
    static final String SIMILARITY_METER = "portcullis.llm.cache.similarity";
    /** Set when a chat call was looked up and missed: its response says so. */
    private static final AttributeKey<Boolean> LOOKED_UP = AttributeKey.of("llm.semantic-cache.miss", Boolean.class);
    /** Verification is cheap but not free: the nearest few candidates above the threshold get it. */
    private static final int MAX_VERIFIED = 5;

    private static final Logger LOG = LoggerFactory.getLogger(SemanticCachePolicy.class);

    private final SemanticCacheConfig config;
    private final LlmPolicySupport support;
    private final Embedder embedder;
    private final CacheEntries entries;
    private final CacheStats stats;
    private final DistributionSummary similarity;
    private final PromptCanonicalizer canonicalizer = new PromptCanonicalizer();
    private final PromptVerifier verifier;

    SemanticCachePolicy(SemanticCacheConfig config, LlmPolicySupport support, Embedder embedder, CacheEntries entries,
            CacheStats stats, DistributionSummary similarity) {
        this.config = config;
        this.support = support;
        this.embedder = embedder;
        this.entries = entries;
        this.stats = stats;
        this.similarity = similarity;
        this.verifier = new PromptVerifier(config.verification() == SemanticCacheConfig.Verification.STRICT);
    }

    private record Scored(CachedAnswer entry, double similarity) {}

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        if (request == null) {
            return Verdict.proceed();
        }
        ChatRequest chat = request.chat();
        if (!config.cacheSampled() && chat.temperature() != null && chat.temperature() > 0) {
            stats.miss();
            markMiss(exchange);
            return Verdict.proceed(); // sampled: the client asked for variety, neither served nor stored
        }
        String scope = CacheKeys.scope(exchange, config.scope());
        String id = CacheKeys.exact(scope, chat);
        CachedAnswer exact = entries.get(scope, id);
        if (exact != null) {
            stats.exactHit();
            return hit(format, request, exact, "exact", 1.0);
        }
        String prompt = CacheKeys.lastUserPrompt(chat);
        String partition = null;
        float[] vector = null;
        if (prompt != null && prompt.length() <= config.maxPromptChars()) {
            vector = embed(prompt);
            if (vector != null) {
                partition = CacheKeys.partition(scope, chat);
                Scored best = nearestVerified(scope, partition, prompt, vector);
                if (best != null) {
                    stats.semanticHit();
                    return hit(format, request, best.entry(), "semantic", best.similarity());
                }
            }
        }
        stats.miss();
        markMiss(exchange);
        CachedAnswer pending = new CachedAnswer(id, scope, partition, vector == null ? null : prompt, vector, null);
        AnswerCapture.attach(exchange, answer -> {
            if (CacheKeys.cacheable(answer)) {
                entries.put(new CachedAnswer(pending.id(), pending.scope(), pending.partition(), pending.prompt(),
                        pending.vector(), answer));
            }
        });
        return Verdict.proceed();
    }

    /** The prompt's vector, or null when the embedder fails: a cache never fails a request, it misses. */
    private float[] embed(String prompt) {
        try {
            return embedder.embed(canonicalizer.canonical(prompt));
        } catch (RuntimeException e) {
            LOG.warn("semantic-cache: embedder {} failed, exact match only for this request: {}", embedder.model(), e.toString());
            return null;
        }
    }

    private Scored nearestVerified(String scope, String partition, String prompt, float[] vector) {
        List<CachedAnswer> candidates = entries.partition(scope, partition);
        if (candidates.isEmpty()) {
            return null;
        }
        List<Scored> above = new ArrayList<>(4);
        double top = -1;
        for (CachedAnswer c : candidates) {
            if (c.vector().length != vector.length) {
                continue; // stored by another model; never comparable
            }
            double s = dot(vector, c.vector());
            top = Math.max(top, s);
            if (s >= config.threshold()) {
                above.add(new Scored(c, s));
            }
        }
        similarity.record(Math.max(top, 0));
        above.sort(Comparator.comparingDouble(Scored::similarity).reversed());
        for (int i = 0; i < Math.min(above.size(), MAX_VERIFIED); i++) {
            Scored s = above.get(i);
            if (config.verification() == SemanticCacheConfig.Verification.OFF || verifier.verify(prompt, s.entry().prompt()).accepted()) {
                CachedAnswer still = entries.get(scope, s.entry().id()); // invalidated meanwhile (admin, another node)?
                if (still != null) {
                    return new Scored(still, s.similarity());
                }
            }
        }
        return null;
    }

    private static Verdict hit(ClientFormat format, ClientFormat.ClientRequest request, CachedAnswer entry, String match,
            double similarity) {
        Response r = CacheReplay.render(format, request, entry.answer());
        r.headers().set(HEADER, "HIT");
        r.headers().set(MATCH_HEADER, match);
        r.headers().set(SIMILARITY_HEADER, String.format(Locale.ROOT, "%.3f", similarity));
        return Verdict.respond(r);
    }

    private static void markMiss(Exchange exchange) {
        if (!exchange.attributes().has(LOOKED_UP)) {
            exchange.attributes().set(LOOKED_UP, Boolean.TRUE);
        }
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        // a cache later in the chain may have answered: its HIT stands
        if (exchange.attributes().has(LOOKED_UP) && !exchange.response().headers().contains(HEADER)) {
            exchange.response().headers().set(HEADER, "MISS");
        }
        return Verdict.proceed();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public Judgement judge(String a, String b) {
        double s = dot(embedder.embed(canonicalizer.canonical(a)), embedder.embed(canonicalizer.canonical(b)));
        if (config.verification() == SemanticCacheConfig.Verification.OFF) {
            return new Judgement(s, true, "");
        }
        PromptVerifier.Result r = verifier.verify(a, b);
        return new Judgement(s, r.accepted(), r.reason());
    }

    @Override
    public double threshold() {
        return config.threshold();
    }

    @Override
    public String adminEndpointName() {
        return CacheAdmin.NAME;
    }

    @Override
    public Response handleAdmin(AdminRequest request) {
        return CacheAdmin.handle(request, new CacheAdmin.Target() {
            @Override
            public String statsJson() {
                return stats.json(entries.size());
            }

            @Override
            public long clear() {
                return entries.clear();
            }

            @Override
            public long clear(String scope) {
                return entries.clear(scope);
            }
        });
    }

    @Override
    public void close() {
        entries.close();
    }
}
