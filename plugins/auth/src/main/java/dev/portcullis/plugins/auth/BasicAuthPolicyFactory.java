package dev.portcullis.plugins.auth;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** The {@code basic} policy: HTTP Basic authentication against bcrypt-hashed passwords. */
@Extension
public final class BasicAuthPolicyFactory implements PolicyFactory<BasicAuthConfig> {

    @Override
    public String type() {
        return "basic";
    }

    @Override
    public Class<BasicAuthConfig> configType() {
        return BasicAuthConfig.class;
    }

    @Override
    public Policy create(BasicAuthConfig config, PluginContext context) {
        Consumers consumers = new Consumers(context.consumers());
        config.consumers().forEach((user, consumer) -> {
            if (consumers.find(consumer) == null) {
                throw new ConfigException("consumers." + user, "no consumer named '" + consumer + "'");
            }
        });
        return new BasicAuthPolicy(config, consumers);
    }

    @Override
    public String description() {
        return "HTTP Basic authentication with bcrypt-hashed passwords";
    }
}
