package dev.portcullis.plugins.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.StopReason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * Exact-match response cache for chat calls, in memory. The key is a SHA-256 of the normalised
 * canonical request (model alias, system, messages, tools, tool choice, output limit,
 * temperature, top_p, stop sequences and every pass-through parameter; not the stream flag)
 * and the scope (the consumer, unless global). Only complete answers are kept: a natural end or
 * a stop sequence, no tool call pending. A hit is replayed in the client's wire format (as a
 * stream of synthesised events when the client streams) without calling a provider, so it uses
 * no provider tokens: token limits refund their reservation and budgets charge nothing.
 * Responses carry {@code X-Cache: HIT} or {@code MISS}.
 */
final class LlmCachePolicy implements Policy {

    static final String HEADER = "X-Cache";

    private final LlmCacheConfig config;
    private final LlmPolicySupport support;
    private final Cache<String, ChatResponse> cache;

    LlmCachePolicy(LlmCacheConfig config, LlmPolicySupport support) {
        this.config = config;
        this.support = support;
        this.cache = Caffeine.newBuilder().expireAfterWrite(config.ttl()).maximumSize(config.maxEntries()).build();
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        ClientFormat format = support.chatFormat(exchange.request());
        ClientFormat.ClientRequest request = support.chat(exchange, format);
        if (request == null) {
            return Verdict.proceed();
        }
        String key = key(exchange, request.chat());
        ChatResponse hit = cache.getIfPresent(key);
        if (hit != null) {
            Response r = request.chat().stream() ? replayStream(format, request, hit)
                    : Response.of(200, "application/json", Body.of(format.writeResponse(hit, request)));
            r.headers().set(HEADER, "HIT");
            return Verdict.respond(r);
        }
        exchange.attributes().set(AnswerCapture.KEY, new AnswerCapture(answer -> {
            if (cacheable(answer)) {
                cache.put(key, answer);
            }
        }));
        return Verdict.proceed();
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        if (exchange.attributes().has(AnswerCapture.KEY)) {
            exchange.response().headers().set(HEADER, "MISS");
        }
        return Verdict.proceed();
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    private static boolean cacheable(ChatResponse answer) {
        if (answer.stopReason() != StopReason.END_TURN && answer.stopReason() != StopReason.STOP_SEQUENCE) {
            return false;
        }
        for (ContentPart p : answer.content()) {
            if (p instanceof ContentPart.ToolCall) {
                return false;
            }
        }
        return !answer.content().isEmpty();
    }

    private String key(Exchange exchange, ChatRequest c) {
        // records print every field; the stream flag is dropped, extras sorted for a stable order
        ChatRequest normal = new ChatRequest(c.model(), c.system(), c.messages(), c.tools(), c.toolChoice(), c.maxTokens(),
                c.temperature(), c.topP(), c.stop(), false, null);
        String scope = config.scope() == LlmCacheConfig.Scope.GLOBAL ? "*" : LlmPolicySupport.consumer(exchange);
        String text = scope.length() + ":" + scope + "\n" + normal + "\n" + c.extras().wire() + new TreeMap<>(c.extras().fields());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The cached answer as a stream in the client's format: start, deltas, finish, usage, end. */
    private static Response replayStream(ClientFormat format, ClientFormat.ClientRequest request, ChatResponse answer) {
        List<ChatStreamEvent> canonical = new ArrayList<>(answer.content().size() * 2 + 4);
        canonical.add(new ChatStreamEvent.MessageStart(answer.id(), answer.model()));
        int call = 0;
        for (ContentPart p : answer.content()) {
            if (p instanceof ContentPart.Text t) {
                canonical.add(new ChatStreamEvent.TextDelta(t.text()));
            } else if (p instanceof ContentPart.ToolCall tc) {
                canonical.add(new ChatStreamEvent.ToolCallStart(call, tc.id(), tc.name()));
                canonical.add(new ChatStreamEvent.ToolCallDelta(call++, tc.arguments()));
            }
        }
        canonical.add(new ChatStreamEvent.Finish(answer.stopReason()));
        canonical.add(new ChatStreamEvent.UsageUpdate(answer.usage()));
        canonical.add(new ChatStreamEvent.MessageEnd());
        StreamEncoder encoder = format.streamEncoder(request);
        List<SseEvent> events = new ArrayList<>(canonical.size() + 4);
        for (ChatStreamEvent e : canonical) {
            encoder.encode(e, events);
        }
        Iterator<SseEvent> it = events.iterator();
        Response r = Response.of(200, "text/event-stream", Body.ofEvents(new EventSource() {
            @Override
            public SseEvent next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {}
        }));
        r.headers().set("Cache-Control", "no-cache");
        return r;
    }
}
