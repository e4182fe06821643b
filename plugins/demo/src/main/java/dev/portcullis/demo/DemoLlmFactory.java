package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/** Starts the scripted demo model provider when a config declares a component of type {@code demo-llm}. */
@Extension
public final class DemoLlmFactory implements ComponentFactory<DemoLlmConfig, DemoLlm> {

    @Override
    public String type() {
        return "demo-llm";
    }

    @Override
    public Class<DemoLlmConfig> configType() {
        return DemoLlmConfig.class;
    }

    @Override
    public Class<DemoLlm> componentType() {
        return DemoLlm.class;
    }

    @Override
    public DemoLlm create(DemoLlmConfig config, PluginContext context) {
        return new DemoLlm(config);
    }

    @Override
    public String description() {
        return "demo only: a scripted OpenAI-compatible model on loopback that answers like an agent's LLM (tool calls from a fixed script)";
    }
}
