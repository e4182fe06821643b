package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code type: cors}: answers preflights itself (204, or 403 {@code cors-rejected}) and adds
 * {@code Access-Control-Allow-Origin} with the caller's exact origin to responses for allowed
 * origins. The policy is the route's single source of CORS: CORS headers from the upstream are
 * replaced, so a permissive upstream cannot widen what the gateway allows.
 *
 * <p>Put it first in the chain: preflights carry no credentials, so an authentication policy
 * before it would refuse them; and an early answer (401, 429) gets CORS headers only from
 * policies whose request phase ran before it.
 */
@Extension
public final class CorsPolicyFactory implements PolicyFactory<CorsConfig> {

    @Override
    public String type() {
        return "cors";
    }

    @Override
    public Class<CorsConfig> configType() {
        return CorsConfig.class;
    }

    @Override
    public Policy create(CorsConfig config, PluginContext context) {
        return new Cors(config);
    }

    @Override
    public String description() {
        return "Cross-origin resource sharing: preflight answers and Access-Control-* response headers";
    }

    /** The policy; every header value that does not depend on the request is built here once. */
    static final class Cors implements Policy {

        private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
        private static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
        private static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
        private static final String REQUEST_METHOD = "Access-Control-Request-Method";
        private static final String REQUEST_HEADERS = "Access-Control-Request-Headers";
        private static final String PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

        private final OriginMatcher origins;
        private final Set<String> methods = new HashSet<>();
        private final Set<String> headers = new HashSet<>();
        private final boolean anyHeader;
        private final boolean credentials;
        private final String allowMethodsValue;
        private final String allowHeadersValue;
        private final String exposeHeadersValue;
        private final String maxAgeValue;

        Cors(CorsConfig config) {
            origins = new OriginMatcher(config.allowOrigins());
            config.allowMethods().forEach(m -> methods.add(m.toUpperCase(Locale.ROOT)));
            config.allowHeaders().forEach(h -> headers.add(h.toLowerCase(Locale.ROOT)));
            anyHeader = headers.contains("*");
            credentials = config.allowCredentials();
            allowMethodsValue = String.join(", ", config.allowMethods().stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
            allowHeadersValue = config.allowHeaders().isEmpty() ? null : String.join(", ", config.allowHeaders());
            exposeHeadersValue = config.exposeHeaders().isEmpty() ? null : String.join(", ", config.exposeHeaders());
            maxAgeValue = config.maxAge() == null ? null : Long.toString(config.maxAge().toSeconds());
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            Request request = exchange.request();
            if (!isPreflight(request)) {
                return Verdict.proceed();
            }
            String origin = request.headers().get("Origin");
            String method = request.headers().get(REQUEST_METHOD);
            if (!origins.allows(origin)) {
                return reject("origin '" + origin + "' is not allowed");
            }
            if (!methods.contains(method.trim().toUpperCase(Locale.ROOT))) {
                return reject("method '" + method + "' is not allowed for cross-origin requests");
            }
            String requested = request.headers().get(REQUEST_HEADERS);
            String refused = anyHeader ? null : firstRefusedHeader(requested);
            if (refused != null) {
                return reject("header '" + refused + "' is not allowed for cross-origin requests");
            }
            Headers out = new Headers(8);
            out.add(ALLOW_ORIGIN, origin);
            out.add("Access-Control-Allow-Methods", allowMethodsValue);
            String allowHeaders = anyHeader ? requested : allowHeadersValue;
            if (allowHeaders != null && !allowHeaders.isBlank()) {
                out.add("Access-Control-Allow-Headers", allowHeaders);
            }
            if (credentials) {
                out.add(ALLOW_CREDENTIALS, "true");
            }
            if (maxAgeValue != null) {
                out.add("Access-Control-Max-Age", maxAgeValue);
            }
            out.add("Vary", PREFLIGHT_VARY);
            return Verdict.respond(new Response(204, out, Body.empty()));
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            if (isPreflight(exchange.request())) {
                return Verdict.proceed(); // answered in the request phase, complete as it is
            }
            Headers out = exchange.response().headers();
            out.remove(ALLOW_ORIGIN);
            out.remove(ALLOW_CREDENTIALS);
            out.remove(EXPOSE_HEADERS);
            addVaryOrigin(out); // the answer depends on Origin, whether or not this one is allowed
            String origin = exchange.request().headers().get("Origin");
            if (origin == null || !origins.allows(origin)) {
                return Verdict.proceed();
            }
            out.add(ALLOW_ORIGIN, origin);
            if (credentials) {
                out.add(ALLOW_CREDENTIALS, "true");
            }
            if (exposeHeadersValue != null) {
                out.add(EXPOSE_HEADERS, exposeHeadersValue);
            }
            return Verdict.proceed();
        }

        /** OPTIONS with Origin and Access-Control-Request-Method; a plain OPTIONS goes to the backend. */
        private static boolean isPreflight(Request request) {
            return "OPTIONS".equals(request.method())
                    && request.headers().contains("Origin")
                    && request.headers().contains(REQUEST_METHOD);
        }

        /** The first name in a comma-separated list that is not allowed, or {@code null}. */
        private String firstRefusedHeader(String requested) {
            if (requested == null) {
                return null;
            }
            int start = 0;
            while (start <= requested.length()) {
                int comma = requested.indexOf(',', start);
                int end = comma < 0 ? requested.length() : comma;
                String name = requested.substring(start, end).trim();
                if (!name.isEmpty() && !headers.contains(name.toLowerCase(Locale.ROOT))) {
                    return name;
                }
                start = end + 1;
            }
            return null;
        }

        private static Verdict reject(String detail) {
            return Verdict.reject(403, "cors-rejected", "Cross-origin request rejected", detail);
        }

        /** Adds {@code Origin} to {@code Vary} unless it is already listed (or Vary is {@code *}). */
        private static void addVaryOrigin(Headers headers) {
            for (String vary : headers.all("Vary")) {
                if (listsToken(vary, "Origin") || vary.trim().equals("*")) {
                    return;
                }
            }
            headers.add("Vary", "Origin");
        }

        private static boolean listsToken(String list, String token) {
            int start = 0;
            while (start <= list.length()) {
                int comma = list.indexOf(',', start);
                int end = comma < 0 ? list.length() : comma;
                if (list.substring(start, end).trim().equalsIgnoreCase(token)) {
                    return true;
                }
                start = end + 1;
            }
            return false;
        }
    }
}
