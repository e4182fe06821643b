package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/** Creates {@code llm} backends: OpenAI- and Anthropic-compatible endpoints over configured providers. */
@Extension
public final class LlmBackendFactory implements BackendFactory<LlmBackendConfig> {

    @Override
    public String type() {
        return "llm";
    }

    @Override
    public Class<LlmBackendConfig> configType() {
        return LlmBackendConfig.class;
    }

    @Override
    public String description() {
        return "AI gate: OpenAI and Anthropic APIs over OpenAI, Anthropic, Azure OpenAI, Gemini, OpenAI-compatible and plugin providers, with failover";
    }

    @Override
    public Backend create(LlmBackendConfig config, PluginContext context) {
        // built-ins first, then the ProviderAdapter extensions of other plugins (a clash is a config error)
        Map<String, ProviderAdapter> adapters = Providers.all(context.extensions(ProviderAdapter.class));
        Map<String, List<Provider>> byAlias = new LinkedHashMap<>();
        List<Provider> providers = new ArrayList<>(config.providers().size());
        for (int i = 0; i < config.providers().size(); i++) {
            LlmBackendConfig.ProviderConfig pc = config.providers().get(i);
            ProviderAdapter adapter = adapters.get(pc.type());
            if (adapter == null) {
                throw new ConfigException("providers[" + i + "].type", "unknown provider type '" + pc.type() + "' (known: "
                        + String.join(", ", adapters.keySet()) + ")");
            }
            Map<String, String> options = new LinkedHashMap<>(pc.options());
            Provider p = new Provider(pc.name(), adapter, new ProviderEndpoint(pc.name(), pc.baseUrl(), pc.apiKey(), options),
                    pc.models(), pc.weight());
            providers.add(p);
            for (String alias : pc.models().keySet()) {
                byAlias.computeIfAbsent(alias, k -> new ArrayList<>(2)).add(p);
            }
        }
        if (config.strategy() == LlmBackendConfig.Strategy.COST) {
            // prices do not change at run time: sort once; the stable sort keeps config order on ties
            Map<Provider, Map<String, BudgetConfig.Price>> prices = new HashMap<>();
            for (int i = 0; i < config.providers().size(); i++) {
                prices.put(providers.get(i), config.providers().get(i).prices());
            }
            byAlias.forEach((alias, ps) -> ps.sort(Comparator.comparingDouble(
                    p -> PriceTable.perMillion(prices.get(p), p.models.get(alias)))));
        }
        byAlias.replaceAll((k, v) -> List.copyOf(v));
        TokenEstimator estimator = config.estimateTokens() ? TokenEstimator.shared() : null;
        // the body idle timeout only backs up streamIdleTimeout (enforced by LlmEventSource with its own
        // message) and guards non-streamed bodies: longer than both, so it never fires first on a stream
        UpstreamHttp http = context.upstreamHttp(new UpstreamHttp.Options(config.connectTimeout(), config.timeout(),
                config.streamIdleTimeout().plus(config.timeout()), null));
        return new LlmBackend(config, byAlias, http, estimator, new GenAiMetrics(context.meters()), context.scheduler(), Clock.systemUTC(),
                context.audit());
    }
}
