package dev.portcullis.plugins.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * HTTP Basic authentication against bcrypt hashes. Successful verifications are cached under a
 * salted SHA-256 of the credentials (never the password itself); the Authorization header is
 * removed before the request is forwarded.
 */
final class BasicAuthPolicy implements Policy {

    static final String METHOD = "basic";

    /** Passwords beyond bcrypt's 72 bytes are truncated, as htpasswd and other bcrypt tools do. */
    private static final BCrypt.Verifyer VERIFYER =
            BCrypt.verifyer(BCrypt.Version.VERSION_2B, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2B));

    private final Map<String, byte[]> hashes;
    private final Map<String, Identity> identities;
    private final byte[] unknownUserHash;
    private final String challenge;
    private final Cache<String, Identity> verified;
    private final byte[] cacheSalt = new byte[16];

    BasicAuthPolicy(BasicAuthConfig config, Consumers consumers) {
        this.hashes = new HashMap<>();
        this.identities = new HashMap<>();
        int maxCost = 4;
        for (var user : config.users().entrySet()) {
            byte[] hash = user.getValue().getBytes(StandardCharsets.US_ASCII);
            hashes.put(user.getKey(), hash);
            maxCost = Math.max(maxCost, Integer.parseInt(user.getValue().substring(4, 6)));
            String consumer = config.consumers().get(user.getKey());
            identities.put(user.getKey(), consumers.identity(user.getKey(), "portcullis", METHOD, Set.of(), null, consumer));
        }
        // Unknown users are checked against a dummy hash of the same cost: no timing hint that a name exists.
        this.unknownUserHash = BCrypt.withDefaults().hash(maxCost, new byte[16], "unknown-user".getBytes(StandardCharsets.UTF_8));
        this.challenge = "Basic realm=" + AuthFailures.quote(config.realm()) + ", charset=\"UTF-8\"";
        this.verified = config.cacheTtl().isZero() ? null
                : Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.cacheTtl()).build();
        new SecureRandom().nextBytes(cacheSalt);
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (exchange.identity().isPresent()) {
            return Verdict.proceed();
        }
        Headers headers = exchange.request().headers();
        String encoded = HttpTokens.afterScheme(headers.get("Authorization"), "Basic");
        if (encoded == null) {
            return Verdict.reject(AuthFailures.missing("no Basic credentials in the Authorization header", challenge));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Verdict.reject(AuthFailures.invalid("Basic credentials are not valid base64", challenge));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Verdict.reject(AuthFailures.invalid("Basic credentials are not user:password", challenge));
        }
        String user = decoded.substring(0, colon);
        String cacheKey = verified == null ? null : cacheKey(decoded);
        Identity identity = cacheKey == null ? null : verified.getIfPresent(cacheKey);
        if (identity == null) {
            identity = verify(user, decoded.substring(colon + 1));
            if (identity == null) {
                return Verdict.reject(AuthFailures.invalid("user name or password is wrong", challenge));
            }
            if (cacheKey != null) {
                verified.put(cacheKey, identity);
            }
        }
        headers.remove("Authorization");
        exchange.identity(identity);
        return Verdict.proceed();
    }

    private Identity verify(String user, String password) {
        byte[] hash = hashes.get(user);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        boolean ok = VERIFYER.verify(pw, hash == null ? unknownUserHash : hash).verified;
        return ok && hash != null ? identities.get(user) : null;
    }

    private String cacheKey(String credentials) {
        MessageDigest sha = Digests.newSha256();
        sha.update(cacheSalt);
        return Digests.hex(sha.digest(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
