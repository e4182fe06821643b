package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Policy type {@code mcp-resource}: RFC 9728 {@code resource_metadata} on every Bearer challenge. */
@Extension
public final class ResourceChallengePolicyFactory implements PolicyFactory<ResourceChallengeConfig> {

    @Override
    public String type() {
        return "mcp-resource";
    }

    @Override
    public Class<ResourceChallengeConfig> configType() {
        return ResourceChallengeConfig.class;
    }

    @Override
    public Policy create(ResourceChallengeConfig config, PluginContext context) {
        return new ResourceChallengePolicy(config);
    }

    @Override
    public String description() {
        return "OAuth protected resource: points 401/403 Bearer challenges at the RFC 9728 metadata";
    }
}
