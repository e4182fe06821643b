package dev.portcullis.plugins.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Parses verification keys written in config: a JWK, a JWK set, a PEM public key
 * ({@code BEGIN PUBLIC KEY}) or a PEM certificate. Only public keys come out of it.
 */
final class StaticKeys {

    private StaticKeys() {}

    /**
     * The public keys in {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for a config error
     */
    static List<JWK> parse(String text) {
        String s = text == null ? "" : text.strip();
        List<JWK> keys;
        if (s.startsWith("{")) {
            keys = parseJson(s);
        } else if (s.startsWith("-----BEGIN")) {
            keys = List.of(parsePem(s));
        } else {
            throw new IllegalArgumentException("not a JWK, JWK set or PEM public key");
        }
        List<JWK> out = new ArrayList<>(keys.size());
        for (JWK key : keys) {
            if (key.getKeyType() == KeyType.OCT) {
                throw new IllegalArgumentException("symmetric keys belong in hmacSecret, not staticKeys");
            }
            out.add(key.toPublicJWK());
        }
        return out;
    }

    private static List<JWK> parseJson(String s) {
        try {
            if (s.contains("\"keys\"")) {
                return JWKSet.parse(s).getKeys();
            }
            return List.of(JWK.parse(s));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK: " + e.getMessage());
        }
    }

    private static JWK parsePem(String pem) {
        String type = pem.substring("-----BEGIN ".length(), pem.indexOf("-----", 10));
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not base64");
        }
        PublicKey key = switch (type) {
            case "PUBLIC KEY" -> publicKey(der);
            case "CERTIFICATE" -> certificateKey(der);
            default -> throw new IllegalArgumentException("PEM " + type + " is not supported (PUBLIC KEY or CERTIFICATE)");
        };
        return toJwk(key);
    }

    private static PublicKey publicKey(byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException("PEM public key is not RSA, EC or Ed25519");
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("PEM certificate cannot be read");
        }
    }

    static JWK toJwk(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("unsupported elliptic curve");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        if (key instanceof EdECPublicKey) {
            return Ed25519Verifier.toJwk(key);
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
    }
}
