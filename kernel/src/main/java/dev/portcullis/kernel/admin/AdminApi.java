package dev.portcullis.kernel.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portcullis.kernel.Gateway;
import dev.portcullis.kernel.config.ConfigRedactor;
import dev.portcullis.kernel.config.GatewayConfig.RouteConfig;
import dev.portcullis.kernel.plugin.KernelVersion;
import dev.portcullis.kernel.runtime.CompiledConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.http.HeaderValues;
import dev.portcullis.kernel.observe.AuditTrail;
import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin listener (loopback by default): liveness, readiness, Prometheus metrics, and a small
 * JSON API to see routes, plugins and the (redacted) config, and to reload.
 */
public final class AdminApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_ADMIN_BODY = 1 << 20;
    private static final byte[] DASHBOARD = dashboard();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Gateway gateway;

    /** The admin API of {@code gateway}. */
    public AdminApi(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Registers the admin endpoints. */
    public void routing(HttpRouting.Builder r) {
        r.addFilter(new AdminRequestGuard(gateway.loaded().tree().path("server").path("admin").path("host").asText("127.0.0.1")));
        r.get("/", (req, res) -> {
            res.status(Status.FOUND_302);
            res.header(HeaderNames.LOCATION, "/dashboard");
            res.send();
        });
        r.get("/dashboard", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.header(HeaderValues.create("Content-Security-Policy",
                    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'"));
            res.header(HeaderValues.create("X-Content-Type-Options", "nosniff"));
            res.send(DASHBOARD);
        });
        r.get("/favicon.ico", (req, res) -> res.status(Status.NO_CONTENT_204).send()); // browsers ask; nothing to show
        r.get("/api/summary", (req, res) -> json(res, 200, Summary.of(gateway.current(), gateway.meters())));
        r.get("/health", (req, res) -> json(res, 200, Map.of("status", "UP")));
        r.get("/ready", (req, res) -> {
            boolean ready = gateway.isReady();
            json(res, ready ? 200 : 503, Map.of("status", ready ? "READY" : "NOT_READY",
                    "configVersion", gateway.current().version()));
        });
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(gateway.meters().scrape());
        });
        r.get("/api/routes", (req, res) -> json(res, 200, routes(gateway.current())));
        r.get("/api/routes/{route}/resources", (req, res) -> {
            var route = gateway.current().routesByName().get(req.path().pathParameters().get("route"));
            if (route == null) {
                json(res, 404, Map.of("error", "no such route"));
                return;
            }
            json(res, 200, Map.of("route", route.info().name(), "resources", route.adminResources().keySet()));
        });
        r.get("/api/routes/{route}/resources/{name}", (req, res) -> {
            var route = gateway.current().routesByName().get(req.path().pathParameters().get("route"));
            var resource = route == null ? null : route.adminResources().get(req.path().pathParameters().get("name"));
            if (resource == null) {
                json(res, 404, Map.of("error", "no such route or resource"));
                return;
            }
            dev.portcullis.spi.Response doc = resource.adminResource();
            res.status(Status.create(doc.status()));
            String type = doc.headers().get("Content-Type");
            res.header(HeaderNames.CONTENT_TYPE, type == null ? "application/octet-stream" : type);
            res.send(doc.body().bytes(64L * 1024 * 1024));
        });
        r.get("/api/endpoints", (req, res) -> json(res, 200, endpoints(gateway.current())));
        r.any("/api/routes/{route}/admin/*", (req, res) -> {
            List<String> segs = segments(req.path().path());
            var route = gateway.current().routesByName().get(segs.get(2));
            var endpoint = route == null || segs.size() < 5 ? null : route.adminEndpoints().get(segs.get(4));
            serve(endpoint, rest(segs, 5), req, res);
        });
        r.any("/api/components/*", (req, res) -> {
            List<String> segs = segments(req.path().path());
            serve(segs.size() < 3 ? null : componentEndpoint(gateway.current(), segs.get(2)), rest(segs, 3), req, res);
        });
        r.get("/api/audit", (req, res) -> {
            var q = req.query();
            String correlationId = q.first("correlationId").orElse(null);
            String layer = q.first("layer").orElse(null);
            String outcome = q.first("outcome").orElse(null);
            String subject = q.first("subject").orElse(null);
            int limit;
            try {
                limit = Math.max(1, Math.min(10_000, Integer.parseInt(q.first("limit").orElse("100"))));
            } catch (NumberFormatException e) {
                json(res, 400, Map.of("error", "limit must be a number"));
                return;
            }
            var events = gateway.audit().recent(e -> (correlationId == null || correlationId.equals(e.correlationId()))
                    && (layer == null || layer.equals(e.layer()))
                    && (outcome == null || outcome.equals(e.outcome()))
                    && (subject == null || subject.equals(e.subject())), limit);
            json(res, 200, Map.of("events", events.stream().map(AuditTrail::toMap).toList()));
        });
        r.get("/api/plugins", (req, res) -> json(res, 200, Map.of(
                "version", KernelVersion.get(),
                "plugins", gateway.plugins().plugins())));
        r.get("/api/config", (req, res) -> json(res, 200, Map.of(
                "version", gateway.current().version(),
                "config", ConfigRedactor.redact(gateway.loaded().tree(), gateway.loaded().substitutedPaths()))));
        r.post("/api/reload", (req, res) -> {
            Gateway.ReloadResult result = gateway.reload();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", result.applied() ? "reloaded" : "rejected");
            body.put("version", result.version());
            if (!result.applied()) {
                body.put("errors", result.errors());
            }
            json(res, result.applied() ? 200 : 422, body);
        });
    }

    /** Every admin endpoint of the running config, with its URL. */
    private static List<Map<String, Object>> endpoints(CompiledConfig config) {
        List<Map<String, Object>> out = new ArrayList<>();
        config.routesByName().forEach((name, route) -> route.adminEndpoints().keySet().forEach(e ->
                out.add(Map.of("route", name, "name", e, "path", "/api/routes/" + name + "/admin/" + e))));
        config.componentEndpoints().forEach((name, e) -> out.add(
                Map.of("component", name, "name", e.adminEndpointName(), "path", "/api/components/" + name)));
        return out;
    }

    private static AdminEndpoint componentEndpoint(CompiledConfig config, String name) {
        return config.componentEndpoints().get(name);
    }

    /** Hands one admin request to {@code endpoint} (404 if null); the body is read whole, up to 1 MiB. */
    private static void serve(AdminEndpoint endpoint, String rest, ServerRequest req, ServerResponse res) {
        if (endpoint == null) {
            json(res, 404, Map.of("error", "no such admin endpoint"));
            return;
        }
        long declared = req.headers().contentLength().orElse(0L);
        if (declared > MAX_ADMIN_BODY) {
            json(res, 413, Map.of("error", "admin request bodies are limited to 1 MiB"));
            return;
        }
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        if (body.length > MAX_ADMIN_BODY) {
            json(res, 413, Map.of("error", "admin request bodies are limited to 1 MiB"));
            return;
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().all(name));
        }
        dev.portcullis.spi.Response answer;
        try {
            answer = endpoint.handleAdmin(new AdminRequest(req.prologue().method().text(), rest, query, body));
        } catch (RuntimeException e) {
            LOG.warn("admin endpoint {} failed: {}", endpoint.adminEndpointName(), e.toString());
            json(res, 500, Map.of("error", "the admin endpoint failed: " + e.getClass().getSimpleName()));
            return;
        }
        res.status(Status.create(answer.status()));
        answer.headers().forEach((n, v) -> res.header(HeaderValues.create(n, v)));
        res.send(answer.body().bytes(64L * 1024 * 1024));
    }

    /** The decoded path's segments, e.g. {@code ["api", "routes", "r", "admin", "pins", "x"]}. */
    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String rest(List<String> segs, int from) {
        return segs.size() <= from ? "" : "/" + String.join("/", segs.subList(from, segs.size()));
    }

    private static List<Map<String, Object>> routes(CompiledConfig config) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RouteConfig rc : config.source().routes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", rc.name());
            m.put("match", rc.match());
            List<String> policies = new ArrayList<>();
            rc.policies().forEach(p -> policies.add(p.isTextual() ? p.asText() : p.path("type").asText() + " (inline)"));
            m.put("policies", policies);
            m.put("backend", rc.backend() == null ? null : rc.backend().path("type").asText());
            out.add(m);
        }
        return out;
    }

    private static byte[] dashboard() {
        try (var in = AdminApi.class.getResourceAsStream("dashboard.html")) {
            return in.readAllBytes();
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the dashboard page is missing from the kernel jar", e);
        }
    }

    private static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(Status.create(status));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            res.status(Status.INTERNAL_SERVER_ERROR_500).send("{\"error\":\"could not render\"}");
        }
    }
}
