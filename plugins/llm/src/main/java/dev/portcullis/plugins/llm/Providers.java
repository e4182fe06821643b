package dev.portcullis.plugins.llm;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The provider adapters by type: the built-in ones, and those other plugins provide. */
final class Providers {

    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    static final Map<String, ProviderAdapter> BUILT_IN = Map.of(
            "openai", new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI),
            "openai-compatible", new OpenAiAdapter(OpenAiAdapter.Flavour.COMPATIBLE),
            "azure-openai", new OpenAiAdapter(OpenAiAdapter.Flavour.AZURE),
            "anthropic", new AnthropicAdapter(),
            "gemini", new GeminiAdapter());

    static final List<String> TYPES = List.of("openai", "anthropic", "azure-openai", "openai-compatible", "gemini");

    private Providers() {}

    /**
     * The built-in adapters followed by {@code discovered} (the {@link ProviderAdapter}
     * extensions of the loaded plugins), by type.
     *
     * <p>A discovered adapter that claims a built-in type, or the type of another discovered
     * one, is refused with a config error naming its class, rather than logged and ignored or
     * let win: either silent choice would leave the operator believing traffic goes through
     * code it does not go through, and a plugin quietly taking over {@code openai} would also
     * receive every OpenAI key in the config. Deleting or renaming one jar is an easy fix.
     *
     * @throws ConfigException on such a clash
     */
    static Map<String, ProviderAdapter> all(List<ProviderAdapter> discovered) {
        Map<String, ProviderAdapter> out = new LinkedHashMap<>();
        TYPES.forEach(t -> out.put(t, BUILT_IN.get(t)));
        List<String> clashes = new ArrayList<>();
        for (ProviderAdapter a : discovered) {
            String type = a.type();
            ProviderAdapter previous = type == null || type.isBlank() ? null : out.get(type);
            if (type == null || type.isBlank()) {
                clashes.add("the provider adapter " + a.getClass().getName() + " has no type");
            } else if (BUILT_IN.containsKey(type)) {
                clashes.add("the provider adapter " + a.getClass().getName() + " claims the built-in type '" + type
                        + "'; built-in provider types cannot be replaced (remove that plugin, or give its adapter another type)");
            } else if (previous != null) {
                clashes.add("the provider type '" + type + "' is claimed by both " + ((PluginAdapter) previous).delegate.getClass().getName()
                        + " and " + a.getClass().getName() + " (remove one of the plugins)");
            } else {
                out.put(type, new PluginAdapter(a));
            }
        }
        if (!clashes.isEmpty()) {
            throw new ConfigException("providers", String.join("; ", clashes));
        }
        return out;
    }

    /**
     * Another plugin's adapter, called with that plugin's class loader current (as the kernel
     * does around calls into any plugin), and with its failures to read a provider's answer
     * treated as an unreadable answer rather than a gateway fault: a bug in a third-party
     * adapter then costs a failover, not a 500.
     */
    static final class PluginAdapter implements ProviderAdapter {

        final ProviderAdapter delegate;
        private final String type;
        private final ClassLoader loader;

        PluginAdapter(ProviderAdapter delegate) {
            this.delegate = delegate;
            this.type = delegate.type(); // read per request by metrics and spans
            this.loader = delegate.getClass().getClassLoader();
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
            // an IllegalArgumentException (the request cannot be said in this wire) reaches the client as a 400
            return scoped(() -> delegate.chatRequest(request, endpoint));
        }

        @Override
        public ChatResponse parseResponse(byte[] body) {
            return scoped(() -> {
                try {
                    return delegate.parseResponse(body);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw unreadable(e);
                }
            });
        }

        @Override
        public ChatError parseError(int status, byte[] body) {
            return scoped(() -> {
                try {
                    return delegate.parseError(status, body);
                } catch (RuntimeException e) {
                    LOG.warn("provider adapter {} failed to read an HTTP {} error answer", delegate.getClass().getName(), status, e);
                    return new ChatError(status, "HTTP " + status);
                }
            });
        }

        @Override
        public StreamDecoder streamDecoder() {
            StreamDecoder d = scoped(delegate::streamDecoder);
            return (SseEvent event, Consumer<ChatStreamEvent> out) -> scoped(() -> {
                try {
                    d.decode(event, out);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw unreadable(e);
                }
                return null;
            });
        }

        private IllegalArgumentException unreadable(RuntimeException e) {
            LOG.warn("provider adapter {} failed to read an answer", delegate.getClass().getName(), e);
            return new IllegalArgumentException("the " + type + " adapter could not read it (" + e.getClass().getSimpleName() + ")", e);
        }

        private <T> T scoped(Supplier<T> call) {
            Thread t = Thread.currentThread();
            ClassLoader previous = t.getContextClassLoader();
            if (previous == loader) {
                return call.get();
            }
            t.setContextClassLoader(loader);
            try {
                return call.get();
            } finally {
                t.setContextClassLoader(previous);
            }
        }
    }
}
