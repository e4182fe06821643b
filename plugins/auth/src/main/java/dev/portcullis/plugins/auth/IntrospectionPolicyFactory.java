package dev.portcullis.plugins.auth;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** The {@code oauth2-introspection} policy: opaque bearer tokens checked at the authorization server. */
@Extension
public final class IntrospectionPolicyFactory implements PolicyFactory<IntrospectionConfig> {

    @Override
    public String type() {
        return "oauth2-introspection";
    }

    @Override
    public Class<IntrospectionConfig> configType() {
        return IntrospectionConfig.class;
    }

    @Override
    public Policy create(IntrospectionConfig config, PluginContext context) {
        IntrospectionClient client = new IntrospectionClient(config.endpoint(), config.clientId(), config.clientSecret(),
                config.timeout());
        return new IntrospectionPolicy(config, client, new Consumers(context.consumers()));
    }

    @Override
    public String description() {
        return "Authenticates opaque bearer tokens by OAuth 2.0 token introspection (RFC 7662)";
    }
}
