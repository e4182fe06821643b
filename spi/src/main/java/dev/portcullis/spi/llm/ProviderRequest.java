package dev.portcullis.spi.llm;

import dev.portcullis.spi.Headers;
import java.net.URI;

/**
 * The HTTP {@code POST} an adapter wants sent to its provider.
 *
 * @param uri     the full URL
 * @param headers the headers, credentials included
 * @param body    the JSON body
 */
public record ProviderRequest(URI uri, Headers headers, byte[] body) {

    @Override
    public String toString() {
        return "ProviderRequest[uri=" + uri + ", " + body.length + " bytes]";
    }
}
