package dev.portcullis.spi;

/**
 * One server-sent event. {@code event}, {@code id} and {@code comment} may be null; {@code data}
 * holds the data lines joined with '\n' (null for a comment-only frame such as a keep-alive).
 *
 * @param event   the {@code event:} field
 * @param data    the {@code data:} lines joined with newlines
 * @param id      the {@code id:} field
 * @param comment a comment line (": ping"), written before the fields
 */
public record SseEvent(String event, String data, String id, String comment) {

    /** A data-only event. */
    public static SseEvent data(String data) {
        return new SseEvent(null, data, null, null);
    }

    /** A named event with data. */
    public static SseEvent of(String event, String data) {
        return new SseEvent(event, data, null, null);
    }
}
