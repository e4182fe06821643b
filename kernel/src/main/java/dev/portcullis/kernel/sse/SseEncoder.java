package dev.portcullis.kernel.sse;

import dev.portcullis.spi.SseEvent;
import java.nio.charset.StandardCharsets;

/** Writes server-sent events in the common {@code field: value} form. */
public final class SseEncoder {

    private SseEncoder() {}

    /** The wire bytes of one event, ending with the blank line that dispatches it. */
    public static byte[] encode(SseEvent e) {
        StringBuilder sb = new StringBuilder(64 + (e.data() == null ? 0 : e.data().length()));
        if (e.comment() != null) {
            for (String c : e.comment().split("\n", -1)) {
                sb.append(": ").append(c).append('\n');
            }
        }
        if (e.id() != null) {
            sb.append("id: ").append(e.id()).append('\n');
        }
        if (e.event() != null) {
            sb.append("event: ").append(e.event()).append('\n');
        }
        if (e.data() != null) {
            int start = 0;
            String d = e.data();
            while (true) {
                int nl = d.indexOf('\n', start);
                sb.append("data: ").append(d, start, nl < 0 ? d.length() : nl).append('\n');
                if (nl < 0) {
                    break;
                }
                start = nl + 1;
            }
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
