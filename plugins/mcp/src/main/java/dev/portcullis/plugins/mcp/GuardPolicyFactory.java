package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Policy type {@code mcp-guard}: scans tool descriptions (and optionally tool results) for hidden instructions. */
@Extension
public final class GuardPolicyFactory implements PolicyFactory<GuardConfig> {

    @Override
    public String type() {
        return "mcp-guard";
    }

    @Override
    public Class<GuardConfig> configType() {
        return GuardConfig.class;
    }

    @Override
    public Policy create(GuardConfig config, PluginContext context) {
        InjectionDetector detector = config.detector() == null ? null : context.component(InjectionDetector.class, config.detector());
        return new GuardPolicy(config, detector, context.store(config.store()), new McpAudit("mcp-guard", context.audit(), context.meters()));
    }

    @Override
    public String description() {
        return "MCP tool poisoning guard: hidden instructions and invisible Unicode in tool descriptions; injections in tool results";
    }
}
