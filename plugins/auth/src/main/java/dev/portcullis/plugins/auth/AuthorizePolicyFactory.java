package dev.portcullis.plugins.auth;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** The {@code authorize} policy: scope, claim, consumer and label rules on the caller's identity. */
@Extension
public final class AuthorizePolicyFactory implements PolicyFactory<AuthorizeConfig> {

    @Override
    public String type() {
        return "authorize";
    }

    @Override
    public Class<AuthorizeConfig> configType() {
        return AuthorizeConfig.class;
    }

    @Override
    public Policy create(AuthorizeConfig config, PluginContext context) {
        return new AuthorizePolicy(config);
    }

    @Override
    public String description() {
        return "Authorizes the authenticated caller by scopes, claims, consumer and labels";
    }
}
