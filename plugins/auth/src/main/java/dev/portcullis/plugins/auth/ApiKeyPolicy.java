package dev.portcullis.plugins.auth;

import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.QueryStrings;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Verdict;
import java.util.Set;

/**
 * Authenticates a consumer by API key and removes the key from the request headers before it is
 * forwarded (a key from the query string is removed from it).
 */
final class ApiKeyPolicy implements Policy {

    static final String METHOD = "api-key";

    private final ApiKeyConfig config;
    private final ApiKeyIndex keys;
    private final String challenge;
    private final String where;

    ApiKeyPolicy(ApiKeyConfig config, ApiKeyIndex keys) {
        this.config = config;
        this.keys = keys;
        this.challenge = challenge(config);
        this.where = where(config);
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (exchange.identity().isPresent()) {
            return Verdict.proceed(); // an earlier auth policy already vouched for the caller
        }
        Request request = exchange.request();
        Headers headers = request.headers();
        String key = null;
        if (config.header() != null) {
            key = blankToNull(headers.get(config.header()));
            headers.remove(config.header());
        }
        if (key == null && config.bearer()) {
            key = HttpTokens.afterScheme(headers.get("Authorization"), "Bearer");
            if (key != null) {
                headers.remove("Authorization");
            }
        }
        if (key == null && config.query() != null) {
            key = blankToNull(request.queryParam(config.query()).orElse(null));
            if (key != null) {
                // the key is the gateway's business: the upstream never sees it
                request.rawQuery(QueryStrings.without(request.rawQuery(), config.query()));
            }
        }
        if (key == null) {
            return Verdict.reject(AuthFailures.missing("no API key in " + where, challenge));
        }
        Consumer consumer = keys.find(key);
        if (consumer == null) {
            return Verdict.reject(AuthFailures.invalid("the API key is not valid", challenge));
        }
        exchange.identity(new Identity(consumer.name(), "portcullis", METHOD, Set.of(), null,
                consumer.name(), consumer.labels()));
        return Verdict.proceed();
    }


    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String challenge(ApiKeyConfig c) {
        StringBuilder sb = new StringBuilder("ApiKey");
        String sep = " ";
        if (c.header() != null) {
            sb.append(sep).append("header=").append(AuthFailures.quote(c.header()));
            sep = ", ";
        }
        if (c.query() != null) {
            sb.append(sep).append("query=").append(AuthFailures.quote(c.query()));
        }
        return c.bearer() ? sb + ", Bearer" : sb.toString();
    }

    private static String where(ApiKeyConfig c) {
        StringBuilder sb = new StringBuilder();
        if (c.header() != null) {
            sb.append("header ").append(c.header());
        }
        if (c.bearer()) {
            sb.append(sb.isEmpty() ? "" : " or ").append("Authorization: Bearer");
        }
        if (c.query() != null) {
            sb.append(sb.isEmpty() ? "" : " or ").append("query parameter ").append(c.query());
        }
        return sb.toString();
    }
}
