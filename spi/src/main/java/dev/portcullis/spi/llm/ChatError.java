package dev.portcullis.spi.llm;

/**
 * A provider's refusal or failure, independent of wire format; client formats derive their
 * error {@code type} from the status.
 *
 * @param status  the HTTP status that best describes it (429 rate limited, 529 overloaded, ...)
 * @param message a human message; never secrets
 */
public record ChatError(int status, String message) {}
