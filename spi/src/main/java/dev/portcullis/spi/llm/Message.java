package dev.portcullis.spi.llm;

import java.util.List;

/**
 * One turn of a conversation.
 *
 * @param role    who wrote it
 * @param content its parts, in order
 */
public record Message(Role role, List<ContentPart> content) {

    /** Defensive copy. */
    public Message {
        content = List.copyOf(content);
    }

    /** A message holding one text part. */
    public static Message text(Role role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)));
    }

    /** The text parts joined, for token estimates and guards. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : content) {
            if (p instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
