package dev.portcullis.plugins.auth;

import java.util.List;
import java.util.Map;

/** The JWS algorithms the {@code jwt} policy knows, grouped by the kind of key that verifies them. */
final class JwsAlgorithms {

    /** The key kind an algorithm needs; a token is only ever checked against keys of its family. */
    enum Family { HMAC, RSA, EC, OKP }

    private static final Map<String, Family> FAMILIES = Map.ofEntries(
            Map.entry("HS256", Family.HMAC), Map.entry("HS384", Family.HMAC), Map.entry("HS512", Family.HMAC),
            Map.entry("RS256", Family.RSA), Map.entry("RS384", Family.RSA), Map.entry("RS512", Family.RSA),
            Map.entry("PS256", Family.RSA), Map.entry("PS384", Family.RSA), Map.entry("PS512", Family.RSA),
            Map.entry("ES256", Family.EC), Map.entry("ES256K", Family.EC), Map.entry("ES384", Family.EC),
            Map.entry("ES512", Family.EC),
            Map.entry("EdDSA", Family.OKP), Map.entry("Ed25519", Family.OKP));

    /** Every known name, for error messages. */
    static final List<String> NAMES = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES256K", "ES384", "ES512", "EdDSA", "Ed25519", "HS256", "HS384", "HS512");

    private JwsAlgorithms() {}

    /** The family of {@code name}, or null if unknown (names are case-sensitive, as in JOSE). */
    static Family family(String name) {
        return name == null ? null : FAMILIES.get(name);
    }

    /** The shortest secret RFC 7518 allows for an HMAC algorithm: as long as its hash. */
    static int minSecretBytes(String hmacAlgorithm) {
        return switch (hmacAlgorithm) {
            case "HS384" -> 48;
            case "HS512" -> 64;
            default -> 32;
        };
    }

    /** The curve an ECDSA algorithm is defined on. */
    static String curveOf(String ecAlgorithm) {
        return switch (ecAlgorithm) {
            case "ES256" -> "P-256";
            case "ES256K" -> "secp256k1";
            case "ES384" -> "P-384";
            case "ES512" -> "P-521";
            default -> null;
        };
    }
}
