package com.example.portcullis;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import org.pf4j.Extension;

/**
 * The {@code stamp} policy type: sets a response header and counts the requests it saw.
 *
 * <p>A factory is a PF4J extension: {@link Extension @Extension} makes the compiler's annotation
 * processor list this class in {@code META-INF/extensions.idx}, which is how the gateway finds it
 * inside the plugin jar. The gateway creates one factory instance at boot.
 */
@Extension
public final class StampPolicyFactory implements PolicyFactory<StampConfig> {

    /** The name of the counter, exported on the admin port as {@code example_stamp_requests_total}. */
    static final String COUNTER = "example.stamp.requests";

    /** What {@code type:} in the YAML selects this factory. */
    @Override
    public String type() {
        return "stamp";
    }

    /** The record the gateway binds the YAML into (and validates) before calling {@link #create}. */
    @Override
    public Class<StampConfig> configType() {
        return StampConfig.class;
    }

    /**
     * Called once per policy use when the config is loaded or reloaded, never per request: do
     * the expensive work here (look up meters, parse values), so that the policy itself is cheap.
     */
    @Override
    public Policy create(StampConfig config, PluginContext context) {
        Counter requests = Counter.builder(COUNTER)
                .description("Requests seen by stamp policies")
                .tag("header", config.header())
                .register(context.meters());
        return new StampPolicy(config.header(), config.value(), requests);
    }

    /** Shown by {@code bin/portcullis plugins} and the admin API. */
    @Override
    public String description() {
        return "Example: sets a response header and counts requests";
    }

    /**
     * One instance serves every request of the routes that use it, concurrently: it holds only
     * immutable config and thread-safe meters; anything per request belongs in the
     * {@link Exchange}.
     */
    static final class StampPolicy implements Policy {

        private final String header;
        private final String value;
        private final Counter requests;

        StampPolicy(String header, String value, Counter requests) {
            this.header = header;
            this.value = value;
            this.requests = requests;
        }

        /** Request phase (in chain order, before the backend): count, and let the request go on. */
        @Override
        public Verdict onRequest(Exchange exchange) {
            requests.increment();
            return Verdict.proceed();
        }

        /** Response phase (reverse chain order, after the backend): the response is mutable here. */
        @Override
        public Verdict onResponse(Exchange exchange) {
            exchange.response().headers().set(header, value);
            return Verdict.proceed();
        }
    }
}
