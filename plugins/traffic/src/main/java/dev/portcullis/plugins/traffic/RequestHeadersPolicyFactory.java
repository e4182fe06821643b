package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/** {@code type: request-headers}: adds, sets and removes request headers before the backend. */
@Extension
public final class RequestHeadersPolicyFactory implements PolicyFactory<HeadersConfig> {

    @Override
    public String type() {
        return "request-headers";
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
            public Verdict onRequest(Exchange exchange) {
                rules.applyTo(exchange.request().headers(), exchange);
                return Verdict.proceed();
            }
        };
    }

    @Override
    public String description() {
        return "Add, set and remove request headers (values may use %{requestId}, %{clientIp}, %{consumer}, %{route})";
    }
}
