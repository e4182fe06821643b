package dev.portcullis.plugins.auth;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code api-key} policy: consumers authenticate with one of their configured API keys. */
@Extension
public final class ApiKeyPolicyFactory implements PolicyFactory<ApiKeyConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyPolicyFactory.class);

    @Override
    public String type() {
        return "api-key";
    }

    @Override
    public Class<ApiKeyConfig> configType() {
        return ApiKeyConfig.class;
    }

    @Override
    public Policy create(ApiKeyConfig config, PluginContext context) {
        ApiKeyIndex keys = ApiKeyIndex.of(context.consumers());
        if (keys.isEmpty()) {
            LOG.warn("api-key policy: no consumer has an API key, every request will be refused");
        }
        return new ApiKeyPolicy(config, keys);
    }

    @Override
    public String description() {
        return "Authenticates consumers by API key (header, query parameter or bearer)";
    }
}
