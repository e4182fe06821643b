package dev.portcullis.demo;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo token issuer: where it listens, how it signs, and the clients it knows.
 *
 * @param host      bind address; loopback by default, and the demo is meant to stay there
 * @param port      port (default 9002; 0 picks a free one)
 * @param issuer    the {@code iss} of its tokens (default {@code http://<host>:<port>})
 * @param algorithm {@code RS256} (default) or {@code ES256}; the key pair is generated at start
 * @param tokenTtl  lifetime of an access token (default 1h)
 * @param clients   the OAuth clients allowed the client-credentials grant
 */
public record DemoIssuerConfig(
        @JsonPropertyDescription("Bind address (default 127.0.0.1)") String host,
        @JsonPropertyDescription("Port (default 9002)") Integer port,
        @JsonPropertyDescription("iss of the tokens (default http://<host>:<port>)") String issuer,
        @JsonPropertyDescription("RS256 (default) or ES256; the key is generated at start") String algorithm,
        @JsonPropertyDescription("Access-token lifetime (default 1h)") Duration tokenTtl,
        @JsonPropertyDescription("OAuth clients allowed the client_credentials grant") List<Client> clients) implements Validatable {

    static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
    /** Claims the issuer sets itself; a client's {@code claims} may not override them. */
    static final Set<String> RESERVED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "client_id");

    /** Fills defaults. */
    public DemoIssuerConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9002 : port;
        algorithm = algorithm == null ? "RS256" : algorithm;
        tokenTtl = tokenTtl == null ? Duration.ofHours(1) : tokenTtl;
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /**
     * One client.
     *
     * @param id       the {@code client_id}
     * @param secret   the {@code client_secret} (use {@code ${ENV}})
     * @param subject  the tokens' {@code sub} (default: the client id)
     * @param audience the {@code aud} values a token may carry; a request's {@code resource}
     *                 parameters (RFC 8707) pick among them, none means all
     * @param scope    the scopes a token may carry (space-separated); a request's {@code scope}
     *                 picks among them, none means all
     * @param claims   further claims, e.g. {@code agent_id} or {@code authorized_tasks}
     */
    public record Client(
            @JsonPropertyDescription("client_id") String id,
            @JsonPropertyDescription("client_secret (use ${ENV})") String secret,
            @JsonPropertyDescription("sub of the tokens (default: the id)") String subject,
            @JsonPropertyDescription("aud values this client's tokens may carry")
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> audience,
            @JsonPropertyDescription("Scopes this client may get (space-separated)") String scope,
            @JsonPropertyDescription("Further claims, e.g. agent_id, authorized_tasks") Map<String, Object> claims) {

        /** Fills defaults. */
        public Client {
            subject = subject == null ? id : subject;
            audience = audience == null ? List.of() : List.copyOf(audience);
            scope = scope == null ? "" : scope.strip();
            claims = claims == null ? Map.of() : new LinkedHashMap<>(claims);
        }

        /** The scopes as a list. */
        List<String> scopes() {
            return scope.isEmpty() ? List.of() : List.of(scope.split("\\s+"));
        }
    }

    @Override
    public void validate(ConfigErrors errors) {
        Ports.check(errors, port);
        if (!ALGORITHMS.contains(algorithm)) {
            errors.add("algorithm", "must be RS256 or ES256, not '" + algorithm + "'");
        }
        if (tokenTtl.compareTo(Duration.ofSeconds(1)) < 0 || tokenTtl.compareTo(Duration.ofDays(1)) > 0) {
            errors.add("tokenTtl", "must be between 1s and 1d");
        }
        if (issuer != null) {
            try {
                URI u = URI.create(issuer);
                if (!u.isAbsolute()) {
                    errors.add("issuer", "must be an absolute URL");
                }
            } catch (IllegalArgumentException e) {
                errors.add("issuer", "not a URL: " + e.getMessage());
            }
        }
        if (clients.isEmpty()) {
            errors.add("clients", "at least one client is needed");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            ConfigErrors at = errors.at("clients[" + i + "]");
            if (c.id() == null || c.id().isBlank()) {
                at.add("id", "required");
            } else if (!ids.add(c.id())) {
                at.add("id", "duplicate client id '" + c.id() + "'");
            }
            if (c.secret() == null || c.secret().length() < 8) {
                at.add("secret", "required, at least 8 characters");
            }
            for (String claim : c.claims().keySet()) {
                if (RESERVED.contains(claim)) {
                    at.add("claims." + claim, "set by the issuer itself (use subject, audience or scope)");
                }
            }
        }
    }
}
