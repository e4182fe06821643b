package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Policy type {@code mcp-tbac}: task-based access control for MCP routes. */
@Extension
public final class TbacPolicyFactory implements PolicyFactory<TbacConfig> {

    @Override
    public String type() {
        return "mcp-tbac";
    }

    @Override
    public Class<TbacConfig> configType() {
        return TbacConfig.class;
    }

    @Override
    public Policy create(TbacConfig config, PluginContext context) {
        return new TbacPolicy(config, context.store(config.store()), new McpAudit("mcp-tbac", context.audit(), context.meters()));
    }

    @Override
    public String description() {
        return "MCP task-based access control: tools, resources and prompts per token task, with argument conditions and quotas";
    }
}
