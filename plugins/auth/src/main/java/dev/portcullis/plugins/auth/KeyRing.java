package dev.portcullis.plugins.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of verification keys with their verifiers built once. Selection is strict: a token is only
 * checked against keys of its algorithm's family (so an HS token never meets an RSA key), matching
 * its {@code kid} when it has one, the key's own {@code alg} when the key pins one, and the curve
 * its ECDSA algorithm is defined on.
 */
final class KeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    /** One usable key. */
    record Entry(String kid, JwsAlgorithms.Family family, String alg, String curve, JWSVerifier verifier) {}

    static final KeyRing EMPTY = new KeyRing(List.of());

    private final List<Entry> entries;

    private KeyRing(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** A ring of public keys; keys meant for encryption or of unusable types are skipped. */
    static KeyRing of(List<JWK> keys) {
        List<Entry> entries = new ArrayList<>(keys.size());
        for (JWK key : keys) {
            if (KeyUse.ENCRYPTION.equals(key.getKeyUse())) {
                continue;
            }
            try {
                Entry e = entry(key);
                if (e != null) {
                    entries.add(e);
                }
            } catch (JOSEException | IllegalArgumentException e) {
                LOG.warn("skipping verification key kid={}: {}", key.getKeyID(), e.getMessage());
            }
        }
        return new KeyRing(entries);
    }

    /** A ring holding just the HMAC secret. */
    static KeyRing ofSecret(byte[] secret) {
        try {
            return new KeyRing(List.of(new Entry(null, JwsAlgorithms.Family.HMAC, null, null, new MACVerifier(secret))));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("hmacSecret: " + e.getMessage());
        }
    }

    private static Entry entry(JWK key) throws JOSEException {
        String alg = key.getAlgorithm() == null ? null : key.getAlgorithm().getName();
        if (key instanceof RSAKey rsa) {
            return new Entry(key.getKeyID(), JwsAlgorithms.Family.RSA, alg, null, new RSASSAVerifier(rsa));
        }
        if (key instanceof ECKey ec) {
            return new Entry(key.getKeyID(), JwsAlgorithms.Family.EC, alg, ec.getCurve().getName(), new ECDSAVerifier(ec));
        }
        if (key instanceof OctetKeyPair okp) {
            return new Entry(key.getKeyID(), JwsAlgorithms.Family.OKP, alg, okp.getCurve().getName(), Ed25519Verifier.of(okp));
        }
        return null;
    }

    /** Adds the candidates for {@code header} to {@code out}. */
    void select(JWSHeader header, List<JWSVerifier> out) {
        String alg = header.getAlgorithm().getName();
        JwsAlgorithms.Family family = JwsAlgorithms.family(alg);
        String kid = header.getKeyID();
        String curve = family == JwsAlgorithms.Family.EC ? JwsAlgorithms.curveOf(alg) : null;
        for (Entry e : entries) {
            if (e.family == family
                    && (kid == null || e.family == JwsAlgorithms.Family.HMAC || kid.equals(e.kid))
                    && (e.alg == null || e.alg.equals(alg))
                    && (curve == null || curve.equals(e.curve))) {
                out.add(e.verifier);
            }
        }
    }

    /** Whether the ring has a key with this id. */
    boolean hasKid(String kid) {
        for (Entry e : entries) {
            if (kid.equals(e.kid)) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return entries.size();
    }
}
