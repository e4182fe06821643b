package dev.portcullis.plugins.llm;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the backend hands a complete canonical answer to the response caches: directly for a
 * non-streamed answer, assembled from the canonical events for a stream (offered only when the
 * stream reached its end without an error). Several caches on one route ({@code llm-cache} and
 * {@code semantic-cache}) share one capture, each with its own target.
 */
final class AnswerCapture {

    /** Set by the cache policy in the request phase; read by the backend. */
    static final AttributeKey<AnswerCapture> KEY = AttributeKey.of("llm.answer-capture", AnswerCapture.class);

    // one exchange is handled by one thread at a time: a plain list is enough
    private final List<Consumer<ChatResponse>> targets = new ArrayList<>(1);

    AnswerCapture(Consumer<ChatResponse> target) {
        targets.add(target);
    }

    /** Adds {@code target} to the exchange's capture, creating it for the first cache of the route. */
    static void attach(Exchange exchange, Consumer<ChatResponse> target) {
        Optional<AnswerCapture> existing = exchange.attributes().get(KEY);
        if (existing.isPresent()) {
            existing.get().targets.add(target);
        } else {
            exchange.attributes().set(KEY, new AnswerCapture(target));
        }
    }

    /** A complete answer. */
    void offer(ChatResponse answer) {
        for (Consumer<ChatResponse> t : targets) {
            t.accept(answer);
        }
    }

    /** A tap for one stream's canonical events. */
    Consumer<ChatStreamEvent> streamTap() {
        return new Consumer<>() {
            private String id;
            private String model;
            private final StringBuilder text = new StringBuilder();
            private final List<ContentPart> parts = new ArrayList<>(2);
            private final List<StringBuilder> args = new ArrayList<>(0);
            private final List<String[]> calls = new ArrayList<>(0);
            private StopReason stop;
            private Usage usage;

            @Override
            public void accept(ChatStreamEvent e) {
                switch (e) {
                    case ChatStreamEvent.MessageStart s -> {
                        id = s.id();
                        model = s.model();
                    }
                    case ChatStreamEvent.TextDelta t -> text.append(t.text());
                    case ChatStreamEvent.ToolCallStart s -> {
                        calls.add(new String[] {s.id(), s.name()});
                        args.add(new StringBuilder());
                    }
                    case ChatStreamEvent.ToolCallDelta d -> {
                        if (d.index() < args.size()) {
                            args.get(d.index()).append(d.arguments());
                        }
                    }
                    case ChatStreamEvent.Finish f -> stop = f.reason();
                    case ChatStreamEvent.UsageUpdate u -> usage = u.usage();
                    case ChatStreamEvent.MessageEnd end -> {
                        if (!text.isEmpty()) {
                            parts.add(new ContentPart.Text(text.toString()));
                        }
                        for (int i = 0; i < calls.size(); i++) {
                            parts.add(new ContentPart.ToolCall(calls.get(i)[0], calls.get(i)[1], args.get(i).toString()));
                        }
                        offer(new ChatResponse(id, model, parts, stop, usage));
                    }
                    case ChatStreamEvent.Error err -> { }
                }
            }
        };
    }
}
