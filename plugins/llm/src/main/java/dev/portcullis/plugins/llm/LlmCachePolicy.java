package dev.portcullis.plugins.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.ChatResponse;
import java.util.Map;

/**
 * Exact-match response cache for chat calls, in memory. The key is a SHA-256 of the normalised
 * canonical request (model alias, system, messages, tools, tool choice, output limit,
 * temperature, top_p, stop sequences and every pass-through parameter; not the stream flag)
 * and the scope (the consumer, unless global). Only complete answers are kept: a natural end or
 * a stop sequence, no tool call pending. A hit is replayed in the client's wire format (as a
 * stream of synthesised events when the client streams) without calling a provider, so it uses
 * no provider tokens: token limits refund their reservation and budgets charge nothing.
 * Responses carry {@code X-Cache: HIT} or {@code MISS}. The admin endpoint {@code cache} shows
 * counts and invalidates.
 */
final class LlmCachePolicy implements Policy, AdminEndpoint {

    static final String HEADER = "X-Cache";

    private record Entry(String scope, ChatResponse answer) {}

    private final LlmCacheConfig config;
    private final LlmPolicySupport support;
    private final Cache<String, Entry> cache;
    private final CacheStats stats;

    LlmCachePolicy(LlmCacheConfig config, LlmPolicySupport support, CacheStats stats) {
        this.config = config;
        this.support = support;
        this.stats = stats;
        this.cache = Caffeine.newBuilder().expireAfterWrite(config.ttl()).maximumSize(config.maxEntries()).build();
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        if (request == null) {
            return Verdict.proceed();
        }
        String scope = CacheKeys.scope(exchange, config.scope());
        String key = CacheKeys.exact(scope, request.chat());
        Entry hit = cache.getIfPresent(key);
        if (hit != null) {
            stats.exactHit();
            Response r = CacheReplay.render(format, request, hit.answer());
            r.headers().set(HEADER, "HIT");
            return Verdict.respond(r);
        }
        stats.miss();
        AnswerCapture.attach(exchange, answer -> {
            if (CacheKeys.cacheable(answer)) {
                cache.put(key, new Entry(scope, answer));
            }
        });
        return Verdict.proceed();
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        // a cache later in the chain may have answered: its HIT stands
        if (exchange.attributes().has(AnswerCapture.KEY) && !exchange.response().headers().contains(HEADER)) {
            exchange.response().headers().set(HEADER, "MISS");
        }
        return Verdict.proceed();
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
                cache.cleanUp();
                return stats.json(cache.estimatedSize());
            }

            @Override
            public long clear() {
                cache.cleanUp();
                long n = cache.estimatedSize();
                cache.invalidateAll();
                return n;
            }

            @Override
            public long clear(String scope) {
                long n = 0;
                for (Map.Entry<String, Entry> e : cache.asMap().entrySet()) {
                    if (e.getValue().scope().equals(scope) && cache.asMap().remove(e.getKey()) != null) {
                        n++;
                    }
                }
                return n;
            }
        });
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
