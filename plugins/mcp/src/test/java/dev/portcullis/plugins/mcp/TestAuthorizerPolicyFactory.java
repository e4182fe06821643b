package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.mcp.McpAttributes;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Extension;

/**
 * A test policy that takes part in MCP access decisions the way a real one (mcp-tbac) would:
 * hides {@code hide} (server.tool) from listings and denies calls to {@code deny} by rule
 * {@code rule}, optionally only when argument {@code text} equals {@code denyText}. Records every
 * call it was asked about and, in its response phase, what the backend published.
 */
@Extension
public final class TestAuthorizerPolicyFactory implements PolicyFactory<TestAuthorizerPolicyFactory.Config> {

    /** Config. */
    public record Config(String hide, String deny, String rule, String denyText) {}

    static final List<McpCall> ASKED = new CopyOnWriteArrayList<>();
    static final List<String> PUBLISHED = new CopyOnWriteArrayList<>();

    @Override
    public String type() {
        return "test-mcp-authorizer";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Policy create(Config config, PluginContext context) {
        McpAuthorizer authorizer = new McpAuthorizer() {
            @Override
            public boolean visible(Exchange exchange, McpItem item) {
                return !(item.server() + "." + item.name()).equals(config.hide());
            }

            @Override
            public McpDecision authorize(Exchange exchange, McpCall call) {
                ASKED.add(call);
                boolean target = (call.server() + "." + call.name()).equals(config.deny());
                boolean argMatches = config.denyText() == null || config.denyText().equals(call.arguments().get("text"));
                return target && argMatches ? McpDecision.deny(config.rule(), "tool " + config.deny() + " is not allowed here")
                        : McpDecision.allow("default");
            }
        };
        return new Policy() {
            @Override
            public Verdict onRequest(Exchange exchange) {
                McpAuthorizers.attach(exchange, authorizer);
                return Verdict.proceed();
            }

            @Override
            public Verdict onResponse(Exchange exchange) {
                exchange.attributes().get(McpAttributes.CALL).ifPresent(c ->
                        PUBLISHED.add(c.publicName() + "->" + exchange.attributes().get(McpAttributes.DECISION)
                                .map(d -> d.allowed() ? "allow" : "deny:" + d.rule()).orElse("?")));
                return Verdict.proceed();
            }
        };
    }
}
