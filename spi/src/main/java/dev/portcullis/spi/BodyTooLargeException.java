package dev.portcullis.spi;

/** Thrown by {@link Body#bytes(long)} when a body exceeds the caller's limit. */
public final class BodyTooLargeException extends RuntimeException {

    private final long limit;

    /** A body exceeded {@code limit} bytes. */
    public BodyTooLargeException(long limit) {
        super("body exceeds " + limit + " bytes", null, false, false);
        this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
