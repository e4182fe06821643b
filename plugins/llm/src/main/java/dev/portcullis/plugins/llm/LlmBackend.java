package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.TraceSpan;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.ClientWatch;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StandardAttributes;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.LlmAttributes;
import dev.portcullis.spi.llm.ProviderRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code llm} backend: answers OpenAI Chat Completions ({@code .../chat/completions}),
 * Anthropic Messages ({@code .../messages}) and model listings ({@code .../models}) by calling
 * the configured providers in their own wire formats, with failover between them. The client's
 * credentials are never forwarded: each provider call is built from scratch with the provider's
 * configured key.
 */
final class LlmBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(LlmBackend.class);
    private static final String PROVIDER_HEADER = "X-Portcullis-Provider";
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final LlmBackendConfig config;
    private final Map<String, List<Provider>> byAlias;
    private final List<String> aliases;
    private final ProviderOrder order;
    private final UpstreamHttp http;
    private final TokenEstimator estimator;
    private final GenAiMetrics metrics;
    private final ClientFormat openAi;
    private final ClientFormat anthropic = new AnthropicClientFormat();
    private final ScheduledExecutorService scheduler;
    private final AuditLog audit;

    LlmBackend(LlmBackendConfig config, Map<String, List<Provider>> byAlias, UpstreamHttp http,
            TokenEstimator estimator, GenAiMetrics metrics, ScheduledExecutorService scheduler, java.time.Clock clock, AuditLog audit) {
        this.config = config;
        this.estimator = estimator;
        this.scheduler = scheduler;
        this.audit = audit;
        this.byAlias = byAlias;
        this.aliases = List.copyOf(byAlias.keySet());
        this.order = new ProviderOrder(config.strategy());
        this.http = http;
        this.metrics = metrics;
        this.openAi = new OpenAiClientFormat(clock);
    }

    /** The client format of a path: Anthropic for {@code .../messages}, else OpenAI. */
    private ClientFormat formatOf(Request request) {
        return request.path().endsWith("/messages") ? anthropic : openAi;
    }

    @Override
    public Response handle(Exchange exchange) {
        Request req = exchange.request();
        String path = req.path();
        if (path.endsWith("/models")) {
            if (!req.method().equals("GET")) {
                return openAi.error(405, "method_not_allowed", "use GET " + path);
            }
            // the Anthropic SDKs always send anthropic-version; answer them in their shape
            ClientFormat f = req.headers().contains("anthropic-version") ? anthropic : openAi;
            return Response.of(200, "application/json", Body.of(f.models(aliases)));
        }
        if (path.endsWith("/embeddings")) {
            return req.method().equals("POST") ? embeddings(exchange) : openAi.error(405, "method_not_allowed", "use POST " + path);
        }
        boolean chat = path.endsWith("/chat/completions");
        if (!chat && !path.endsWith("/messages")) {
            return openAi.error(404, "unknown_url", "Unknown request URL: " + req.method() + " " + path
                    + " (this route serves POST /v1/chat/completions, POST /v1/messages, POST /v1/embeddings and GET /v1/models)");
        }
        ClientFormat format = chat ? openAi : anthropic;
        if (!req.method().equals("POST")) {
            return format.error(405, "method_not_allowed", "use POST " + path);
        }
        ClientFormat.ClientRequest request;
        try {
            request = ClientRequests.read(exchange, format, config.maxRequestBody().bytes());
        } catch (BodyTooLargeException e) {
            return format.error(413, "request_too_large", "the request body exceeds " + config.maxRequestBody().bytes() + " bytes");
        } catch (UncheckedIOException e) {
            return format.error(400, "invalid_request", "the request body could not be read");
        } catch (IllegalArgumentException e) {
            return format.error(400, null, e.getMessage());
        }
        String alias = request.chat().model();
        List<Provider> candidates = byAlias.get(alias);
        if (candidates == null) {
            return format.error(404, "model_not_found", "The model '" + alias + "' does not exist or you do not have access to it.");
        }
        if (estimator != null) {
            exchange.attributes().set(LlmAttributes.ESTIMATED_INPUT_TOKENS, estimator.inputTokens(request.chat()));
        }
        return dispatch(exchange, format, alias, candidates, new Call() {
            @Override
            public ProviderRequest request(Provider p) {
                return p.adapter.chatRequest(request.chat().withModel(p.models.get(alias)), p.endpoint);
            }

            @Override
            public Response answer(Provider p, UpstreamHttp.Reply res, long start) throws AttemptFailed {
                return request.chat().stream()
                        ? stream(exchange, format, request, p, res, start)
                        : complete(exchange, format, request, p, res, start);
            }
        });
    }

    /** What one kind of client call does with a provider: build its request, use its 2xx answer. */
    private interface Call {
        ProviderRequest request(Provider p);

        Response answer(Provider p, UpstreamHttp.Reply res, long start) throws AttemptFailed;
    }

    /** OpenAI embeddings, passed through to OpenAI-format providers with the model name swapped. */
    private Response embeddings(Exchange exchange) {
        byte[] body;
        ObjectNode json;
        try {
            body = exchange.request().body().bytes(config.maxRequestBody().bytes());
            if (!(Json.parse(body) instanceof ObjectNode o)) {
                return openAi.error(400, null, "the body must be a JSON object");
            }
            json = o;
            Json.required(json, "model");
            Json.required(json, "input");
        } catch (BodyTooLargeException e) {
            return openAi.error(413, "request_too_large", "the request body exceeds " + config.maxRequestBody().bytes() + " bytes");
        } catch (UncheckedIOException e) {
            return openAi.error(400, "invalid_request", "the request body could not be read");
        } catch (IllegalArgumentException e) {
            return openAi.error(400, null, e.getMessage());
        }
        String alias = json.get("model").asText();
        List<Provider> candidates = byAlias.getOrDefault(alias, List.of()).stream()
                .filter(p -> p.adapter instanceof OpenAiAdapter).toList();
        if (candidates.isEmpty()) {
            return openAi.error(404, "model_not_found", "The model '" + alias + "' does not exist or has no embeddings provider.");
        }
        return dispatch(exchange, openAi, alias, candidates, new Call() {
            @Override
            public ProviderRequest request(Provider p) {
                json.put("model", p.models.get(alias));
                return ((OpenAiAdapter) p.adapter).embeddingsRequest(Json.bytes(json), p.models.get(alias), p.endpoint);
            }

            @Override
            public Response answer(Provider p, UpstreamHttp.Reply res, long start) throws AttemptFailed {
                byte[] bytes = readAnswer(p, res);
                JsonNode answer;
                try {
                    answer = Json.parse(bytes);
                } catch (IllegalArgumentException e) {
                    throw new AttemptFailed("unusable-answer", new ChatError(502, "provider " + p.name + " sent an unreadable answer"));
                }
                if (answer instanceof ObjectNode o && o.has("model")) {
                    o.put("model", alias);
                }
                served(exchange, p);
                return withProvider(Response.of(200, "application/json", Body.of(Json.bytes(answer))), p);
            }
        });
    }

    /**
     * Tries the providers in strategy order until one answers, or attempts run out; a client that
     * leaves meanwhile interrupts the call in flight (its provider connection is closed: no more
     * tokens generated for nobody) and ends the attempts.
     */
    private Response dispatch(Exchange exchange, ClientFormat format, String alias, List<Provider> candidates, Call call) {
        try (ClientWatch watch = exchange.watchClient()) {
            return attempt(exchange, format, alias, candidates, call);
        }
    }

    private Response attempt(Exchange exchange, ClientFormat format, String alias, List<Provider> candidates, Call call) {
        long start = System.nanoTime();
        Provider[] ps = order.order(candidates, start);
        int attempts = config.retry().attempts() != null ? config.retry().attempts() : Math.max(ps.length, 2);
        ChatError last = null;
        Duration lastRetryAfter = null;
        Provider previous = null;
        StringBuilder trail = null; // "name (kind), ..." of failed attempts, for the audit log
        for (int a = 0; a < attempts && !exchange.isCancelled(); a++) {
            Provider p = ps[a % ps.length];
            if (a > 0 && !pause(backoff(a, p == previous ? lastRetryAfter : null))) {
                break;
            }
            previous = p;
            lastRetryAfter = null;
            ProviderRequest pr;
            try {
                pr = call.request(p);
            } catch (IllegalArgumentException e) {
                // the request cannot be written in this provider's wire (a bad image URL, an unmatched tool result)
                return format.error(400, "invalid_request", e.getMessage());
            }
            // one client span per attempt (GenAI conventions); for a stream it ends when the answer starts
            TraceSpan span = exchange.startSpan("chat " + p.models.get(alias))
                    .attribute("gen_ai.operation.name", "chat").attribute("gen_ai.provider.name", p.adapter.type())
                    .attribute("gen_ai.request.model", p.models.get(alias)).attribute("portcullis.llm.provider", p.name);
            int failuresBefore = trail == null ? 0 : trail.length();
            try {
                UpstreamHttp.Reply res;
                long sent = System.nanoTime();
                try {
                    // a buffered body: replayed once if a pooled connection turns out dead
                    res = http.send("POST", pr.uri(), pr.headers(), Body.of(pr.body()));
                } catch (SocketTimeoutException e) {
                    last = new ChatError(504, "provider " + p.name + " did not answer within " + config.timeout().toMillis() + "ms");
                    failed(p, "timeout");
                    trail = note(trail, p, "timeout");
                    continue;
                } catch (IOException e) {
                    if (exchange.isCancelled()) {
                        break; // the client left and the watch cut the call: not the provider's fault
                    }
                    last = new ChatError(502, "provider " + p.name + " could not be reached");
                    LOG.debug("llm provider {} unreachable: {}", p.name, e.toString());
                    failed(p, "unreachable");
                    trail = note(trail, p, "unreachable");
                    continue;
                }
                p.recordLatency(System.nanoTime() - sent);
                int status = res.status();
                if (status / 100 == 2) {
                    try {
                        Response r = call.answer(p, res, start);
                        p.recordSuccess();
                        if (a > 0) {
                            metrics.failover(p, alias);
                        }
                        if (trail != null) {
                            audit.record(AuditEvent.of(exchange, "ai", "ai.failover", "served", "llm",
                                    "served by provider " + p.name + " after " + trail, Map.of("model", alias, "provider", p.name,
                                            "failed", trail.toString(), "attempts", Integer.toString(a + 1))));
                        }
                        return r;
                    } catch (AttemptFailed e) {
                        res.close(); // no-op when the answer already closed it; else cuts the provider off
                        if (exchange.isCancelled()) {
                            break; // the client left and the watch cut the call: not the provider's fault
                        }
                        last = e.error;
                        failed(p, e.kind);
                        trail = note(trail, p, e.kind);
                        continue;
                    } catch (RuntimeException e) {
                        res.close();
                        throw e;
                    }
                }
                ChatError err = p.adapter.parseError(status, readAtMost(res.body(), MAX_ERROR_BODY));
                if (clientFault(status)) {
                    // the request itself is at fault: another provider would refuse it too
                    metrics.record(p, alias, null, null, System.nanoTime() - start, Integer.toString(status));
                    return withProvider(format.error(status, null, err.message()), p);
                }
                if (!retryable(status)) {
                    // 401, 403, 404...: the gateway's own config (key, URL, model name) is wrong for this
                    // provider. Not the client's business: the provider's message may quote the key.
                    last = new ChatError(502, "provider " + p.name + " refused the gateway's request (HTTP " + status
                            + "); check its apiKey, baseUrl and model names");
                    // the provider's message is not logged: it may quote (part of) the key
                    LOG.warn("llm provider {} refused the gateway's request with HTTP {}; check its apiKey, baseUrl and model names", p.name, status);
                    failed(p, Integer.toString(status));
                    trail = note(trail, p, Integer.toString(status));
                    continue;
                }
                lastRetryAfter = RetryAfter.parse(res.headers().get("Retry-After"), exchange.clock());
                if (lastRetryAfter != null) {
                    p.coolDown(lastRetryAfter, System.nanoTime());
                }
                last = new ChatError(status, "provider " + p.name + " answered " + status + ": " + err.message());
                if (status == 429) {
                    metrics.providerError(p, "429"); // busy, not broken: Retry-After decides
                } else {
                    failed(p, Integer.toString(status));
                }
                trail = note(trail, p, Integer.toString(status));
            } finally {
                if (trail != null && trail.length() != failuresBefore) {
                    span.error("provider_error", "provider " + p.name + " failed");
                }
                span.close();
            }
        }
        if (last == null || exchange.isCancelled()) {
            last = new ChatError(499, "the client went away");
        }
        metrics.record(null, alias, null, null, System.nanoTime() - start, Integer.toString(last.status()));
        if (trail != null) {
            audit.record(AuditEvent.of(exchange, "ai", "ai.provider-failure", "error", "llm", "no provider served: " + trail,
                    Map.of("model", alias, "failed", trail.toString(), "status", Integer.toString(last.status()))));
        }
        Response r = format.error(last.status() == 499 ? 502 : last.status(), null, last.message());
        if (lastRetryAfter != null) {
            r.headers().set("Retry-After", Long.toString(Math.max(1, lastRetryAfter.toSeconds())));
        }
        return r;
    }

    private Response complete(Exchange exchange, ClientFormat format, ClientFormat.ClientRequest request, Provider p,
            UpstreamHttp.Reply res, long start) throws AttemptFailed {
        byte[] bytes = readAnswer(p, res);
        ChatResponse answer;
        try {
            answer = p.adapter.parseResponse(bytes);
        } catch (IllegalArgumentException e) {
            throw new AttemptFailed("unusable-answer", new ChatError(502, "provider " + p.name + " sent an unreadable answer: " + e.getMessage()));
        }
        served(exchange, p);
        exchange.attributes().set(LlmAttributes.USAGE, answer.usage());
        exchange.attributes().get(AnswerCapture.KEY).ifPresent(c -> c.offer(answer));
        metrics.record(p, request.chat().model(), answer.model(), answer.usage(), System.nanoTime() - start, null);
        return withProvider(Response.of(200, "application/json", Body.of(format.writeResponse(answer, request))), p);
    }

    /** A non-streamed 2xx answer, at most {@code maxResponseBody}. */
    private byte[] readAnswer(Provider p, UpstreamHttp.Reply res) throws AttemptFailed {
        long max = config.maxResponseBody().bytes();
        try (res) {
            // the reply's Content-Length sizes the buffer exactly (Body.bytes): no 16 KiB chunks
            return Body.of(res.body(), res.contentLength()).bytes(max);
        } catch (BodyTooLargeException e) {
            throw new AttemptFailed("unusable-answer", new ChatError(502, "provider " + p.name + " answered with more than " + max + " bytes"));
        } catch (UncheckedIOException e) {
            throw new AttemptFailed("broken-answer", new ChatError(502, "provider " + p.name + " broke off its answer"));
        }
    }

    private Response stream(Exchange exchange, ClientFormat format, ClientFormat.ClientRequest request, Provider p,
            UpstreamHttp.Reply res, long start) throws AttemptFailed {
        String alias = request.chat().model();
        LlmEventSource source = new LlmEventSource(new SseReader(res.body()), p.adapter.streamDecoder(),
                format.streamEncoder(request), (usage, model, error) -> {
                    if (usage != null) {
                        exchange.attributes().set(LlmAttributes.USAGE, usage);
                    }
                    metrics.record(p, alias, model, usage, System.nanoTime() - start,
                            error == null ? null : Integer.toString(error.status()));
                });
        exchange.attributes().get(AnswerCapture.KEY).ifPresent(c -> source.tap(c.streamTap()));
        source.watch(scheduler, config.streamIdleTimeout());
        ChatError failed = source.prime();
        if (failed != null) {
            throw new AttemptFailed("broken-stream", new ChatError(failed.status(), "provider " + p.name + ": " + failed.message()));
        }
        served(exchange, p);
        metrics.firstChunk(p, alias, System.nanoTime() - start);
        Response r = Response.of(200, "text/event-stream", Body.ofEvents(source));
        r.headers().set("Cache-Control", "no-cache");
        return withProvider(r, p);
    }

    /** A provider attempt that answered 2xx but could not be used; the next attempt may do better. */
    private static final class AttemptFailed extends Exception {
        final String kind;
        final transient ChatError error;

        AttemptFailed(String kind, ChatError error) {
            super(error.message(), null, false, false);
            this.kind = kind;
            this.error = error;
        }
    }

    private static StringBuilder note(StringBuilder trail, Provider p, String kind) {
        StringBuilder t = trail == null ? new StringBuilder(48) : trail.append(", ");
        return t.append(p.name).append(" (").append(kind).append(')');
    }

    /** Counts a provider failure and feeds its circuit breaker. */
    private void failed(Provider p, String kind) {
        metrics.providerError(p, kind);
        if (p.recordFailure(config.circuitBreaker(), System.nanoTime())) {
            LOG.debug("llm provider {} set aside for {} after repeated failures ({})", p.name, config.circuitBreaker().cooldown(), kind);
        } else {
            LOG.debug("llm provider {} failed: {}", p.name, kind);
        }
    }

    private static void served(Exchange exchange, Provider p) {
        exchange.attributes().set(LlmAttributes.PROVIDER, p.name);
        if (!exchange.attributes().has(StandardAttributes.UPSTREAM)) {
            exchange.attributes().set(StandardAttributes.UPSTREAM, p.name);
        }
    }

    private static Response withProvider(Response r, Provider p) {
        r.headers().set(PROVIDER_HEADER, p.name);
        return r;
    }

    /** 400, 413 and 422: the request is at fault, whichever provider gets it. */
    static boolean clientFault(int status) {
        return status == 400 || status == 413 || status == 422;
    }

    /** 408, 409 (Anthropic's transient conflicts), 429 and 5xx are worth another attempt. */
    static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /** The pause before attempt {@code a} (from 1): exponential backoff, at least a same-provider Retry-After, capped. */
    private Duration backoff(int a, Duration retryAfter) {
        Duration max = config.retry().maxBackoff();
        Duration d = config.retry().backoff().multipliedBy(1L << Math.min(a - 1, 16));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter;
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    private static boolean pause(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static byte[] readAtMost(InputStream in, int max) {
        try (in) {
            return Body.read(in, max);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Override
    public Response renderFailure(Exchange exchange, Failure failure) {
        ClientFormat format = formatOf(exchange.request());
        String message = failure.detail() != null && !failure.detail().isBlank() ? failure.detail() : failure.title();
        Response r = format.error(failure.status(), failure.code(), message);
        failure.headers().forEach((n, v) -> r.headers().add(n, v));
        return r;
    }

    @Override
    public void close() {
        // graceful: streams still being served by the retired config run to their end
        http.close();
    }
}
