package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import java.time.Clock;
import org.pf4j.Extension;

/** Policy type {@code mcp-pin}: tool pinning (rug-pull defence) for MCP routes, with the admin endpoint {@code pins}. */
@Extension
public final class PinPolicyFactory implements PolicyFactory<PinConfig> {

    @Override
    public String type() {
        return "mcp-pin";
    }

    @Override
    public Class<PinConfig> configType() {
        return PinConfig.class;
    }

    @Override
    public Policy create(PinConfig config, PluginContext context) {
        return new PinPolicy(config, context.store(config.store()), new McpAudit("mcp-pin", context.audit(), context.meters()),
                Clock.systemUTC());
    }

    @Override
    public String description() {
        return "MCP tool pinning: a tool whose definition changed is hidden and blocked until approved";
    }
}
