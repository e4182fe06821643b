package dev.portcullis.plugins.mcp;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;

/**
 * Puts an upstream's own credential on a request to it. The client's credential is never among
 * them: even token exchange sends only the token the authorization server issued for the upstream.
 */
interface UpstreamCredential {

    /** No credential beyond the configured headers. */
    UpstreamCredential NONE = (b, r) -> { };

    /** Adds the credential to {@code request}, made for {@code requester}. */
    void apply(HttpRequest.Builder request, Requester requester) throws IOException;

    /** The upstream refused the credential (401): forget any cached token for {@code requester}. */
    default void rejected(Requester requester) {}

    /** The credential {@code config} describes (NONE when null). */
    static UpstreamCredential of(UpstreamAuthConfig config, HttpClient client, Clock clock) {
        if (config == null) {
            return NONE;
        }
        return switch (config.type()) {
            case "bearer" -> {
                String value = "Bearer " + config.token();
                yield (b, r) -> b.header("Authorization", value);
            }
            case "api-key" -> (b, r) -> b.header(config.header(), config.apiKey());
            case "client-credentials", "token-exchange" -> new OAuthCredential(new TokenEndpoint(config, client, clock));
            default -> throw new IllegalArgumentException("unknown upstream auth type " + config.type());
        };
    }

    /** A bearer token from the authorization server, fetched and cached by {@link TokenEndpoint}. */
    record OAuthCredential(TokenEndpoint endpoint) implements UpstreamCredential {
        @Override
        public void apply(HttpRequest.Builder request, Requester requester) throws IOException {
            request.header("Authorization", "Bearer " + endpoint.token(requester));
        }

        @Override
        public void rejected(Requester requester) {
            endpoint.forget(requester);
        }
    }
}
