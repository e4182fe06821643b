package dev.portcullis.plugins.auth;

import com.nimbusds.jose.jwk.JWK;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/** The {@code jwt} policy: bearer JWTs verified against a JWK set, static keys or an HMAC secret. */
@Extension
public final class JwtPolicyFactory implements PolicyFactory<JwtConfig> {

    @Override
    public String type() {
        return "jwt";
    }

    @Override
    public Class<JwtConfig> configType() {
        return JwtConfig.class;
    }

    @Override
    public Policy create(JwtConfig config, PluginContext context) {
        return create(config, new Consumers(context.consumers()), Clock.systemUTC());
    }

    /** Builds the policy with the clock that paces JWK set fetches (tests substitute it). */
    static JwtPolicy create(JwtConfig config, Consumers consumers, Clock clock) {
        List<JWK> keys = new ArrayList<>();
        config.staticKeys().forEach(k -> keys.addAll(StaticKeys.parse(k)));
        KeyRing hmac = config.hmacSecret() == null ? KeyRing.EMPTY
                : KeyRing.ofSecret(config.hmacSecret().getBytes(StandardCharsets.UTF_8));
        JwksSource jwks = config.jwksUri() == null ? null : new JwksSource(config.jwksUri(), config.jwksCacheTtl(),
                config.jwksRefetchMinInterval(), config.jwksTimeout(), clock);
        if (jwks != null) {
            jwks.prefetch(); // failures are logged; requests retry, paced by jwksRefetchMinInterval
        }
        JwtVerifier verifier = new JwtVerifier(config, KeyRing.of(keys), hmac, jwks, consumers);
        return new JwtPolicy(config, verifier, jwks);
    }

    @Override
    public String description() {
        return "Authenticates bearer JWTs (JWKS, static keys or HMAC secret; RS, PS, ES, EdDSA, HS)";
    }
}
