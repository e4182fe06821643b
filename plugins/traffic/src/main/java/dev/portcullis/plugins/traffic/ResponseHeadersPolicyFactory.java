package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/** {@code type: response-headers}: adds, sets and removes response headers on the way back. */
@Extension
public final class ResponseHeadersPolicyFactory implements PolicyFactory<HeadersConfig> {

    @Override
    public String type() {
        return "response-headers";
    }

    @Override
    public Class<HeadersConfig> configType() {
        return HeadersConfig.class;
    }

    @Override
    public Policy create(HeadersConfig config, PluginContext context) {
        HeaderRules rules = HeaderRules.compile(config);
        return new Policy() {
            @Override
            public Verdict onResponse(Exchange exchange) {
                rules.applyTo(exchange.response().headers(), exchange);
                return Verdict.proceed();
            }
        };
    }

    @Override
    public String description() {
        return "Add, set and remove response headers (values may use %{requestId}, %{clientIp}, %{consumer}, %{route})";
    }
}
