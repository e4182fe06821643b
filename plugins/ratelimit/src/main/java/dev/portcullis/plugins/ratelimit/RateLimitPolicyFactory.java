package dev.portcullis.plugins.ratelimit;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.StateStore;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.pf4j.Extension;

/** Creates {@code type: rate-limit} policies. */
@Extension
public final class RateLimitPolicyFactory implements PolicyFactory<RateLimitConfig> {

    @Override
    public String type() {
        return "rate-limit";
    }

    @Override
    public Class<RateLimitConfig> configType() {
        return RateLimitConfig.class;
    }

    @Override
    public Policy create(RateLimitConfig config, PluginContext context) {
        StateStore store = context.findComponent(StateStore.class, config.store())
                .orElseThrow(() -> new ConfigException("store", "no store named '" + config.store() + "' (declare it under stores:)"));
        Counter failures = Counter.builder("portcullis.ratelimit.store_failures")
                .description("Rate-limit checks the store could not answer, admitted or refused per failMode")
                .tags("store", config.store(), "failMode", config.failMode().name().toLowerCase(Locale.ROOT))
                .register(context.meters());
        return new RateLimitPolicy(config, store, namespace(config), failures);
    }

    @Override
    public String description() {
        return "Token-bucket or sliding-window rate limits per consumer, IP, route, header or claim";
    }

    /**
     * Identifies a policy's budgets in the store: policies that count differently never share
     * counters, identical ones (the same named policy, or {@code scope: global}) do.
     */
    static String namespace(RateLimitConfig c) {
        String identity = String.join(",", c.key()) + ';' + c.algorithm() + ';' + c.limit() + ';' + c.period().toNanos()
                + ';' + c.burst() + ';' + c.scope();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
