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
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin listener (loopback by default): liveness, readiness, Prometheus metrics, and a small
 * JSON API to see routes, plugins and the (redacted) config, and to reload.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Gateway gateway;

    /** The admin API of {@code gateway}. */
    public AdminApi(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Registers the admin endpoints. */
    public void routing(HttpRouting.Builder r) {
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
