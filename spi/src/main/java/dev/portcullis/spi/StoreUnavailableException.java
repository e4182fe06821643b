package dev.portcullis.spi;

/** A {@link StateStore} whose backing service cannot answer right now. */
public class StoreUnavailableException extends RuntimeException {

    /** The store failed with {@code message}. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
