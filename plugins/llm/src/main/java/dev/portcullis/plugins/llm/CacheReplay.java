package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ContentPart;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Renders a cached answer in the client's wire format: one JSON body, or a stream when the client streams. */
final class CacheReplay {

    private CacheReplay() {}

    static Response render(ClientFormat format, ClientFormat.ClientRequest request, ChatResponse answer) {
        return request.chat().stream() ? stream(format, request, answer)
                : Response.of(200, "application/json", Body.of(format.writeResponse(answer, request)));
    }

    /** The cached answer as a stream in the client's format: start, deltas, finish, usage, end. */
    private static Response stream(ClientFormat format, ClientFormat.ClientRequest request, ChatResponse answer) {
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
