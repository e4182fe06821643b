package dev.portcullis.spi.mcp;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Exchange;
import java.util.ArrayList;
import java.util.List;

/**
 * The authorizers attached to one exchange. Attributes are write-once, so the exchange holds one
 * list that later policies add to.
 */
public final class McpAuthorizers {

    private static final AttributeKey<McpAuthorizers> KEY = AttributeKey.of("mcp.authorizers", McpAuthorizers.class);

    private final List<McpAuthorizer> list = new ArrayList<>(2);

    private McpAuthorizers() {}

    /** Adds {@code authorizer} to those the {@code mcp} backend consults for {@code exchange}. */
    public static void attach(Exchange exchange, McpAuthorizer authorizer) {
        McpAuthorizers held = exchange.attributes().get(KEY).orElse(null);
        if (held == null) {
            held = new McpAuthorizers();
            exchange.attributes().set(KEY, held);
        }
        held.list.add(authorizer);
    }

    /** The authorizers attached to {@code exchange}, in attach order; empty when none. */
    public static List<McpAuthorizer> of(Exchange exchange) {
        return exchange.attributes().get(KEY).map(a -> List.copyOf(a.list)).orElse(List.of());
    }
}
