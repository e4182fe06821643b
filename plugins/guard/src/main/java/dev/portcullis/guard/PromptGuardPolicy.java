package dev.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.Taints;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.GuardAttributes;
import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code prompt-guard} policy: reads the chat request (OpenAI or Anthropic), scans the
 * configured texts with the {@link GuardDetector}, and blocks, flags or logs. It is also an
 * {@link InjectionDetector}, so {@code portcullis eval guard --use <name>} measures exactly the
 * configured layers and threshold.
 */
final class PromptGuardPolicy implements Policy, InjectionDetector {

    static final String TYPE = "prompt-guard";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PromptGuardPolicy.class);

    private final GuardDetector detector;
    private final GuardAction action;
    private final Set<ChatTexts.Source> sources;
    private final boolean latestOnly;
    private final long maxBody;
    private final PluginContext context;
    private final StateStore taintStore;
    private final java.time.Duration taintTtl;
    private final Counter passed;
    private final Counter found;
    private final Timer duration;

    PromptGuardPolicy(PromptGuardConfig config, GuardDetector detector, PluginContext context) {
        this.detector = detector;
        this.action = config.action();
        Set<ChatTexts.Source> s = EnumSet.noneOf(ChatTexts.Source.class);
        for (String name : config.inspect()) {
            s.add(ChatTexts.Source.valueOf(name.toUpperCase(Locale.ROOT)));
        }
        this.sources = s;
        this.latestOnly = config.scope() == PromptGuardConfig.Scope.LATEST;
        this.maxBody = config.maxBodySize().bytes();
        this.context = context;
        this.taintStore = config.taint() == null ? null : context.store(config.taint().store());
        this.taintTtl = config.taint() == null ? null : config.taint().ttl();
        this.passed = Counter.builder("portcullis.guard.prompts").tag("outcome", "pass").register(context.meters());
        this.found = Counter.builder("portcullis.guard.prompts").tag("outcome", action.label()).register(context.meters());
        this.duration = Timer.builder("portcullis.guard.prompt.duration").register(context.meters());
    }

    /** A text to scan, and where it came from. */
    private record Piece(ChatTexts.Source source, String text) {}

    /** A text judged injected. */
    private record Finding(ChatTexts.Source source, Detection detection) {}

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (!"POST".equals(exchange.request().method())) {
            return Verdict.proceed();
        }
        ChatWire wire = ChatWire.of(exchange.request().path());
        if (wire == null) {
            return Verdict.proceed();
        }
        ChatWire.RequestBody read = wire.readRequest(exchange, maxBody, "prompt guard");
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode body = read.json();
        if (body == null) {
            return Verdict.proceed();
        }
        long t0 = System.nanoTime();
        List<Piece> texts = new ArrayList<>(4);
        ChatTexts.walk(body, wire, latestOnly, false, (source, text) -> {
            if (sources.contains(source)) {
                texts.add(new Piece(source, text));
            }
            return null; // read only
        });
        Finding worst = null;
        for (Piece t : texts) {
            Detection d = detector.detect(t.text());
            if (d.injected() && (worst == null || d.score() > worst.detection().score())) {
                worst = new Finding(t.source(), d);
                if (action == GuardAction.BLOCK) {
                    break; // one is enough to refuse
                }
            }
        }
        duration.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (worst == null) {
            passed.increment();
            return Verdict.proceed();
        }
        found.increment();
        Detection d = worst.detection();
        String reasons = String.join(",", d.reasons());
        String score = String.format(Locale.ROOT, "%.3f", d.score());
        context.audit().record(AuditEvent.of(exchange, "ai", TYPE, action.label(), TYPE,
                "possible prompt injection in a " + worst.source().label + " message",
                Map.of("score", score, "reasons", reasons, "source", worst.source().label)));
        if (taintStore != null && exchange.identity().isPresent()) {
            // whatever this layer does with the prompt, the agent is no longer trusted for a while
            try {
                Taints.mark(taintStore, Taints.agentKey(exchange.identity().get()), new Taints.Taint("ai/" + TYPE,
                        reasons, exchange.correlationId(), exchange.clock().instant()), taintTtl);
            } catch (StoreUnavailableException e) {
                LOG.warn("could not record the taint of an agent: {}", e.getMessage());
            }
        }
        switch (action) {
            case BLOCK -> {
                return Verdict.respond(wire.error(400, "prompt_injection_detected",
                        "The request was blocked by the gateway's prompt guard: possible prompt injection in a "
                                + worst.source().label + " message (" + reasons + ")."));
            }
            case FLAG -> {
                if (!exchange.attributes().has(GuardAttributes.PROMPT_FLAG)) {
                    exchange.attributes().set(GuardAttributes.PROMPT_FLAG,
                            new GuardAttributes.PromptFlag(TYPE, d.score(), d.reasons(), worst.source().label));
                }
                return Verdict.proceed();
            }
            default -> {
                return Verdict.proceed();
            }
        }
    }

    @Override
    public Detection detect(String text) {
        return detector.detect(text);
    }
}
