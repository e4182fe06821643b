package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Headers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Puts an upstream's own credential on a request to it. The client's credential is never among
 * them: even token exchange sends only the token the authorization server issued for the upstream.
 */
interface UpstreamCredential {

    /** No credential beyond the configured headers. */
    UpstreamCredential NONE = (b, r) -> { };

    /** Adds the credential to the headers of a request made for {@code requester}. */
    void apply(Headers request, Requester requester) throws IOException;

    /** The upstream refused the credential (401): forget any cached token for {@code requester}. */
    default void rejected(Requester requester) {}

    /**
     * The credential {@code config} describes (NONE when null); {@code tokenClient} is asked for
     * only by the OAuth kinds, which fetch tokens from an authorization server.
     */
    static UpstreamCredential of(UpstreamAuthConfig config, Supplier<HttpClient> tokenClient, Clock clock) {
        if (config == null) {
            return NONE;
        }
        return switch (config.type()) {
            case "bearer" -> {
                String value = "Bearer " + config.token();
                yield (h, r) -> h.set("Authorization", value);
            }
            case "api-key" -> (h, r) -> h.set(config.header(), config.apiKey());
            case "client-credentials", "token-exchange" -> new OAuthCredential(new TokenEndpoint(config, tokenClient.get(), clock));
            default -> throw new IllegalArgumentException("unknown upstream auth type " + config.type());
        };
    }

    /** A bearer token from the authorization server, fetched and cached by {@link TokenEndpoint}. */
    record OAuthCredential(TokenEndpoint endpoint) implements UpstreamCredential {
        @Override
        public void apply(Headers request, Requester requester) throws IOException {
            request.set("Authorization", "Bearer " + endpoint.token(requester));
        }

        @Override
        public void rejected(Requester requester) {
            endpoint.forget(requester);
        }
    }
}
