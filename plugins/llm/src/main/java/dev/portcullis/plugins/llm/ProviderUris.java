package dev.portcullis.plugins.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;

/**
 * Provider URLs parsed once: each call's URL is one of a few per provider (base URL, operation,
 * model), and parsing it with {@link URI#create} took ~4% of the gateway's CPU per chat call in
 * the AI-gate profile. Bounded, for configs reloaded with ever new URLs.
 */
final class ProviderUris {

    private static final Cache<String, URI> PARSED = Caffeine.newBuilder().maximumSize(4096).build();

    private ProviderUris() {}

    /** {@code URI.create(url)}, remembered. */
    static URI of(String url) {
        return PARSED.get(url, URI::create);
    }
}
