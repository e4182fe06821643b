package dev.portcullis.kernel.admin;

import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.kernel.runtime.CompiledRoute;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The numbers the dashboard shows, read from the gateway's meters: requests and errors per route
 * and per layer (a route's layer is its backend's: {@code llm} is the AI gate, {@code mcp} the MCP
 * gate, anything else the API gate), audit decisions per layer and outcome, LLM tokens and spend.
 * Built on request from the meters, so it costs nothing on the data path.
 */
final class Summary {

    private Summary() {}

    static Map<String, Object> of(CompiledConfig config, MeterRegistry meters) {
        Map<String, Map<String, Long>> layers = new LinkedHashMap<>();
        for (String layer : List.of("api", "ai", "mcp")) {
            layers.put(layer, new LinkedHashMap<>(Map.of("requests", 0L, "errors", 0L)));
        }
        List<Map<String, Object>> routes = new ArrayList<>();
        for (CompiledRoute route : config.routes()) {
            String name = route.info().name();
            String layer = layerOf(route.info().backend());
            long requests = 0;
            long errors = 0;
            double totalMs = 0;
            for (Timer t : meters.find("portcullis.requests").tag("route", name).timers()) {
                long n = t.count();
                requests += n;
                totalMs += t.totalTime(TimeUnit.MILLISECONDS);
                String status = t.getId().getTag("status");
                if (status != null && status.compareTo("400") >= 0) {
                    errors += n;
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", name);
            r.put("layer", layer);
            r.put("backend", route.info().backend());
            r.put("requests", requests);
            r.put("errors", errors);
            r.put("meanMs", requests == 0 ? 0 : Math.round(totalMs / requests * 100) / 100.0);
            routes.add(r);
            layers.get(layer).merge("requests", requests, Long::sum);
            layers.get(layer).merge("errors", errors, Long::sum);
        }
        Map<String, Map<String, Long>> audit = new TreeMap<>();
        for (Counter c : meters.find("portcullis.audit.events").counters()) {
            audit.computeIfAbsent(c.getId().getTag("layer"), k -> new TreeMap<>())
                    .merge(c.getId().getTag("outcome"), (long) c.count(), Long::sum);
        }
        Map<String, Long> tokens = new TreeMap<>();
        meters.find("gen_ai.client.token.usage").summaries().forEach(s ->
                tokens.merge(String.valueOf(s.getId().getTag("gen_ai.token.type")), (long) s.totalAmount(), Long::sum));
        double spend = 0;
        for (Counter c : meters.find("portcullis.llm.spend").counters()) {
            spend += c.count();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("configVersion", config.version());
        out.put("layers", layers);
        out.put("routes", routes);
        out.put("audit", audit);
        out.put("tokens", tokens);
        out.put("spend", Math.round(spend * 1_000_000) / 1_000_000.0);
        return out;
    }

    static String layerOf(String backendType) {
        return dev.portcullis.kernel.observe.Layers.of(backendType);
    }
}
