package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import java.util.Map;

/** A {@link HeadersConfig} compiled into arrays: applying it allocates only rendered values. */
final class HeaderRules {

    private final String[] remove;
    private final String[] setNames;
    private final HeaderTemplate[] setValues;
    private final String[] addNames;
    private final HeaderTemplate[] addValues;

    private HeaderRules(HeadersConfig config) {
        remove = config.remove().toArray(String[]::new);
        setNames = config.set().keySet().toArray(String[]::new);
        setValues = templates(config.set(), "set");
        addNames = config.add().keySet().toArray(String[]::new);
        addValues = templates(config.add(), "add");
    }

    /** Compiles a validated config. */
    static HeaderRules compile(HeadersConfig config) {
        return new HeaderRules(config);
    }

    private static HeaderTemplate[] templates(Map<String, String> headers, String field) {
        HeaderTemplate[] out = new HeaderTemplate[headers.size()];
        int i = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            try {
                out[i++] = HeaderTemplate.parse(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(field + "." + e.getKey(), ex.getMessage());
            }
        }
        return out;
    }

    /** Removes, then sets, then adds. */
    void applyTo(Headers headers, Exchange exchange) {
        for (String name : remove) {
            headers.remove(name);
        }
        for (int i = 0; i < setNames.length; i++) {
            headers.set(setNames[i], setValues[i].render(exchange));
        }
        for (int i = 0; i < addNames.length; i++) {
            headers.add(addNames[i], addValues[i].render(exchange));
        }
    }
}
