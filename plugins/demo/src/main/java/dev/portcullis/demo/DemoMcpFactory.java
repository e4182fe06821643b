package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/** Starts the demo MCP servers when a config declares a component of type {@code demo-mcp}. */
@Extension
public final class DemoMcpFactory implements ComponentFactory<DemoMcpConfig, DemoMcp> {

    @Override
    public String type() {
        return "demo-mcp";
    }

    @Override
    public Class<DemoMcpConfig> configType() {
        return DemoMcpConfig.class;
    }

    @Override
    public Class<DemoMcp> componentType() {
        return DemoMcp.class;
    }

    @Override
    public DemoMcp create(DemoMcpConfig config, PluginContext context) {
        return new DemoMcp(config);
    }

    @Override
    public String description() {
        return "demo only: MCP servers crm (read_customer) and mail (send_email) on loopback, calling the REST APIs through the gateway";
    }
}
