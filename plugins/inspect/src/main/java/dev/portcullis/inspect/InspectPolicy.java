package dev.portcullis.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inspect} policy: reads a bounded body, runs the rules, and blocks, redacts or logs.
 * Bodies it cannot or should not read (event streams, other media types, binary, too large,
 * content-encoded) pass uninspected and are counted in {@code portcullis.inspect.skipped}.
 */
final class InspectPolicy implements Policy {

    /** Counter of rule matches, tagged rule, action and shadow. */
    static final String MATCHES = "portcullis.inspect.matches";
    /** Counter of bodies not inspected, tagged phase and reason. */
    static final String SKIPPED = "portcullis.inspect.skipped";

    private static final Logger LOG = LoggerFactory.getLogger(InspectPolicy.class);
    private static final int BINARY_PROBE = 1024;

    /** Why a body was not inspected. */
    enum Skip {
        EVENT_STREAM("event-stream"), CONTENT_TYPE("content-type"), BINARY("binary"),
        TOO_LARGE("too-large"), ENCODED("content-encoded");

        final String tag;

        Skip(String tag) {
            this.tag = tag;
        }
    }

    private enum Phase { REQUEST, RESPONSE }

    private final InspectConfig config;
    private final Inspector inspector;
    private final ObjectMapper mapper;
    private final Map<Phase, Map<Skip, Counter>> skipped = new EnumMap<>(Phase.class);

    InspectPolicy(InspectConfig config, Inspector inspector, ObjectMapper mapper, MeterRegistry meters) {
        this.config = config;
        this.inspector = inspector;
        this.mapper = mapper;
        for (Phase phase : Phase.values()) {
            Map<Skip, Counter> byReason = new EnumMap<>(Skip.class);
            for (Skip skip : Skip.values()) {
                byReason.put(skip, Counter.builder(SKIPPED)
                        .description("Bodies the inspect policy let through without inspecting them")
                        .tag("phase", phase.name().toLowerCase(Locale.ROOT)).tag("reason", skip.tag)
                        .register(meters));
            }
            skipped.put(phase, byReason);
        }
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (!config.phase().request()) {
            return Verdict.proceed();
        }
        var request = exchange.request();
        return inspect(exchange, Phase.REQUEST, request.headers(), request.body(), request::body);
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        Response response = exchange.response();
        if (!config.phase().response() || response == null) {
            return Verdict.proceed();
        }
        if (response.isEventStream() || response.body().events() != null) {
            // event streams are relayed as they come; this policy does not hold them back
            skipped.get(Phase.RESPONSE).get(Skip.EVENT_STREAM).increment();
            return Verdict.proceed();
        }
        return inspect(exchange, Phase.RESPONSE, response.headers(), response.body(), response::body);
    }

    private Verdict inspect(Exchange exchange, Phase phase, Headers headers, Body body, Consumer<Body> replace) {
        if (body.events() != null) {
            return skip(phase, Skip.EVENT_STREAM);
        }
        if (body.isEmpty()) {
            return Verdict.proceed();
        }
        MediaType type = MediaType.parse(headers.get("Content-Type"));
        if (type != null && !type.matchesAny(config.contentTypes())) {
            return skip(phase, Skip.CONTENT_TYPE);
        }
        String encoding = headers.get("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            return uninspectable(phase, Skip.ENCODED);
        }
        byte[] bytes = read(phase, body, replace);
        if (bytes == null) {
            return uninspectable(phase, Skip.TOO_LARGE);
        }
        if (looksBinary(bytes)) {
            return skip(phase, Skip.BINARY);
        }
        Document document = parse(type, bytes);
        if (document == null) {
            // Fail closed: read as text, a body too deep or malformed for the parser would slip
            // past every field rule, while the backend may still read it as JSON.
            return Verdict.reject(unreadable(phase, "the body is declared as JSON but is not JSON the gateway can read "
                    + "(bad syntax, invalid UTF-8, or nesting deeper than 1,000 levels), so its fields cannot be inspected"));
        }
        Inspector.Result result = inspector.evaluate(document);
        for (Inspector.Match match : result.matches()) {
            match.rule().matches().increment();
            LOG.info("inspect: rule '{}' matched the {} of route {} (request {}): found [{}], action {}{}",
                    match.rule().name(), phase.name().toLowerCase(Locale.ROOT), exchange.route().name(),
                    exchange.requestId(), String.join(", ", match.kinds()), match.rule().action().yaml(),
                    match.rule().action() == InspectConfig.Action.LOG ? " (shadow: passed)" : "");
        }
        if (result.blocked() != null) {
            return Verdict.reject(Failure.of(403, "content-blocked", "Content blocked by inspection", result.blocked().detail()));
        }
        if (inspector.redact(document, result.redact())) {
            replace.accept(Body.of(document.serialize(mapper, type == null ? StandardCharsets.UTF_8 : type.charset())));
        }
        return Verdict.proceed();
    }

    /**
     * The body's bytes, or {@code null} when it is larger than {@code maxBody}. At most
     * {@code maxBody + 1} bytes are ever held; an oversized body of unknown length is put back
     * together (what was read, then the rest of the stream) so that it still flows on.
     */
    private byte[] read(Phase phase, Body body, Consumer<Body> replace) {
        long max = config.maxBody().bytes();
        if (body.length() > max) {
            return null;
        }
        try {
            if (body.isBuffered() || body.length() >= 0) {
                return body.bytes(max);
            }
            InputStream in = body.stream();
            byte[] head = Body.read(in, (int) max + 1);
            if (head.length <= max) {
                in.close();
                replace.accept(Body.of(head));
                return head;
            }
            replace.accept(Body.of(new SequenceInputStream(new ByteArrayInputStream(head), in), -1));
            return null;
        } catch (BodyTooLargeException e) {
            // longer than its declared length: the stream is spent, so it cannot be passed on either
            throw new GatewayException(unreadable(phase, "the body is longer than its declared length"), e);
        } catch (IOException | UncheckedIOException e) {
            throw new GatewayException(unreadable(phase, "the body could not be read"), e);
        }
    }

    private static Failure unreadable(Phase phase, String detail) {
        return phase == Phase.REQUEST
                ? Failure.of(400, "body-unreadable", "Request body unreadable", detail)
                : Failure.of(502, "upstream-body-unreadable", "Upstream response body unreadable", detail);
    }

    /** The body as a document; null when it is declared as JSON but does not parse. */
    private Document parse(MediaType type, byte[] bytes) {
        if (type == null ? startsLikeJson(bytes) : type.isJson()) {
            Document json = Document.json(mapper, bytes);
            if (json != null) {
                return json;
            }
            if (type != null) {
                return null;
            }
            // undeclared and not JSON after all: inspected as text
        }
        String text = new String(bytes, type == null ? StandardCharsets.UTF_8 : type.charset());
        if (type != null && type.isForm()) {
            Document form = Document.form(text, type.charset());
            if (form != null) {
                return form;
            }
        }
        return Document.text(text);
    }

    private static boolean startsLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    private static boolean looksBinary(byte[] bytes) {
        for (int i = 0, n = Math.min(bytes.length, BINARY_PROBE); i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private Verdict skip(Phase phase, Skip reason) {
        skipped.get(phase).get(reason).increment();
        return Verdict.proceed();
    }

    private Verdict uninspectable(Phase phase, Skip reason) {
        skipped.get(phase).get(reason).increment();
        if (config.onUninspectable() == InspectConfig.Uninspectable.PASS) {
            return Verdict.proceed();
        }
        String detail = reason == Skip.TOO_LARGE
                ? "the body is larger than " + config.maxBody().bytes() + " bytes and cannot be inspected"
                : "content-encoded bodies cannot be inspected";
        if (phase == Phase.RESPONSE) {
            return Verdict.reject(Failure.of(502, "content-uninspectable", "Response cannot be inspected", detail));
        }
        return Verdict.reject(reason == Skip.TOO_LARGE
                ? Failure.of(413, "content-uninspectable", "Request body cannot be inspected", detail)
                : Failure.of(415, "content-uninspectable", "Request body cannot be inspected", detail));
    }
}
