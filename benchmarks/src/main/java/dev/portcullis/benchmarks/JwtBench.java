package dev.portcullis.benchmarks;

import dev.portcullis.kernel.chain.DefaultExchange;
import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.plugins.auth.JwtPolicyFactory;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bearer-JWT authentication through the {@code jwt} policy, built by {@link JwtPolicyFactory} from
 * this config (static key, so no network):
 * <pre>
 * type: jwt
 * issuer: https://id.example.com
 * audience: portcullis
 * algorithms: [&lt;alg&gt;]
 * staticKeys: [ &lt;PEM public key&gt; ]      # hmacSecret: &lt;40-byte secret&gt; for HS256
 * </pre>
 * with one consumer, {@code support-agent}, that the tokens' {@code sub} maps to. Each invocation
 * runs a {@link PolicyChain} of that one policy around a backend answering 200, on a new
 * {@link DefaultExchange}, for {@code GET /orders/42} with {@code Authorization: Bearer <token>}.
 * Tokens carry {@code iss}, {@code sub}, {@code aud}, {@code scope}, {@code iat}, {@code nbf},
 * {@code exp} (one hour ahead), a unique {@code jti} and a custom claim; no {@code kid}. Keys: RSA
 * 2048 ({@code RS256}), P-256 ({@code ES256}), Ed25519 ({@code EdDSA}), a 40-byte secret
 * ({@code HS256}); tokens are signed with the JDK at setup, never during measurement.
 * <ul>
 *   <li>{@code cold}: a token the policy has not seen on every call: full parse, signature check,
 *       claim checks, identity, and the insertion into the policy's verified-token cache. The
 *       tokens come from a pool of {@value #POOL} pre-signed ones; when the pool is used up the
 *       policy is replaced by a new one from the factory (an empty cache), so no token is ever a
 *       cache hit. That rebuild (parsing the key, a new cache) is inside the measurement,
 *       amortised over {@value #POOL} calls.</li>
 *   <li>{@code cached}: the same token every call: the verified-token cache answers.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar JwtBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtBench {

    /** Distinct pre-signed tokens for {@link #cold()}. */
    public static final int POOL = 1024;

    static final String ISSUER = "https://id.example.com";
    static final String CONSUMER = "support-agent";
    private static final RouteInfo ROUTE = new RouteInfo("orders", "http");
    private static final String HMAC_SECRET = "bench-hmac-secret-0123456789-abcdefghijk";

    /** The JWS algorithm. */
    @Param({"RS256", "ES256", "EdDSA", "HS256"})
    public String alg;

    private final Clock clock = Clock.systemUTC();
    private final OkBackend backend = new OkBackend();
    private BenchContext context;
    private JwtPolicyFactory factory;
    private String config;
    private String[] bearers;
    private int next;
    private Policy coldPolicy;
    private PolicyChain coldChain;
    private FixedRequest coldRequest;
    private Policy cachedPolicy;
    private PolicyChain cachedChain;
    private FixedRequest cachedRequest;

    /** Creates the key, signs the tokens and builds both policies. */
    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        TokenSigner signer = TokenSigner.create(alg);
        config = signer.policyConfig();
        long now = Instant.now().getEpochSecond();
        bearers = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            bearers[i] = "Bearer " + signer.sign(claims(now, i));
        }
        context = new BenchContext(List.of(new Consumer(CONSUMER, Map.of("team", "support"), List.of())));
        factory = new JwtPolicyFactory();
        coldPolicy = Factories.policy(factory, config, context);
        coldChain = new PolicyChain(List.of(coldPolicy), backend);
        coldRequest = request(bearers[0]);
        cachedPolicy = Factories.policy(factory, config, context);
        cachedChain = new PolicyChain(List.of(cachedPolicy), backend);
        cachedRequest = request(bearers[0]);
    }

    /** Closes the policies and the context. */
    @TearDown(Level.Trial)
    public void tearDown() {
        coldPolicy.close();
        cachedPolicy.close();
        context.close();
    }

    /** Verifies a token this policy has never seen. */
    @Benchmark
    public Response cold() {
        if (next == POOL) {
            // every token of the pool is in this policy's cache now: start over with an empty one
            coldPolicy.close();
            coldPolicy = Factories.policy(factory, config, context);
            coldChain = new PolicyChain(List.of(coldPolicy), backend);
            next = 0;
        }
        coldRequest.headers().set("Authorization", bearers[next++]);
        return coldChain.execute(new DefaultExchange("bench-1", coldRequest, ROUTE, clock));
    }

    /** Authenticates the same token again (a cache hit). */
    @Benchmark
    public Response cached() {
        return cachedChain.execute(new DefaultExchange("bench-1", cachedRequest, ROUTE, clock));
    }

    private static FixedRequest request(String bearer) {
        return new FixedRequest("GET", "/orders/42", "api.example.com",
                "Host", "api.example.com", "Accept", "application/json", "User-Agent", "bench/1.0",
                "Authorization", bearer);
    }

    private static String claims(long now, int n) {
        return "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + CONSUMER + "\",\"aud\":\"portcullis\","
                + "\"scope\":\"orders:read orders:write mail:send\",\"iat\":" + now + ",\"nbf\":" + (now - 5)
                + ",\"exp\":" + (now + 3600) + ",\"jti\":\"bench-" + n + "\","
                + "\"authorized_tasks\":[\"customer-support\"]}";
    }

    /** Signs compact JWS tokens with the JDK, and writes the policy config that verifies them. */
    abstract static sealed class TokenSigner {
        private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

        final String alg;

        TokenSigner(String alg) {
            this.alg = alg;
        }

        static TokenSigner create(String alg) throws GeneralSecurityException {
            return switch (alg) {
                case "RS256" -> new KeyPairSigner(alg, "SHA256withRSA", pair("RSA", 2048, null));
                case "ES256" -> new KeyPairSigner(alg, "SHA256withECDSAinP1363Format", pair("EC", 0, "secp256r1"));
                case "EdDSA" -> new KeyPairSigner(alg, "Ed25519", pair("Ed25519", 0, null));
                case "HS256" -> new HmacSigner(alg, HMAC_SECRET.getBytes(StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException("unknown algorithm " + alg);
            };
        }

        private static KeyPair pair(String type, int bits, String curve) throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type);
            if (bits > 0) {
                g.initialize(bits);
            } else if (curve != null) {
                g.initialize(new ECGenParameterSpec(curve));
            }
            return g.generateKeyPair();
        }

        /** A signed compact JWS with {@code claims} as its payload. */
        String sign(String claims) throws GeneralSecurityException {
            String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}";
            String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + '.'
                    + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            return input + '.' + B64.encodeToString(signature(input.getBytes(StandardCharsets.US_ASCII)));
        }

        abstract byte[] signature(byte[] input) throws GeneralSecurityException;

        /** The {@code jwt} policy's YAML for tokens of this signer. */
        String policyConfig() {
            return "type: jwt\nissuer: " + ISSUER + "\naudience: portcullis\nalgorithms: [" + alg + "]\n" + keyConfig();
        }

        abstract String keyConfig();
    }

    private static final class KeyPairSigner extends TokenSigner {
        private final String jca;
        private final KeyPair keys;

        KeyPairSigner(String alg, String jca, KeyPair keys) {
            super(alg);
            this.jca = jca;
            this.keys = keys;
        }

        @Override
        byte[] signature(byte[] input) throws GeneralSecurityException {
            PrivateKey key = keys.getPrivate();
            Signature s = Signature.getInstance(jca);
            s.initSign(key);
            s.update(input);
            return s.sign();
        }

        @Override
        String keyConfig() {
            String pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(keys.getPublic().getEncoded());
            return "staticKeys:\n  - |\n    -----BEGIN PUBLIC KEY-----\n    " + pem.replace("\n", "\n    ")
                    + "\n    -----END PUBLIC KEY-----\n";
        }
    }

    private static final class HmacSigner extends TokenSigner {
        private final byte[] secret;

        HmacSigner(String alg, byte[] secret) {
            super(alg);
            this.secret = secret;
        }

        @Override
        byte[] signature(byte[] input) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        }

        @Override
        String keyConfig() {
            return "hmacSecret: \"" + new String(secret, StandardCharsets.UTF_8) + "\"\n";
        }
    }
}
