package dev.portcullis.plugins.lifecycle;

import dev.portcullis.spi.AttributeKey;

/** Exchange attributes stated by the lifecycle plugin, for other policies, logs and metrics. */
public final class ApiVersion {

    /** The API version of the route that served the exchange ({@code lifecycle.version}), e.g. {@code v1}. */
    public static final AttributeKey<String> ATTRIBUTE = AttributeKey.of("api.version", String.class);

    private ApiVersion() {}

    /**
     * Whether two version labels name the same version: {@code v2}, {@code V2} and {@code 2} do;
     * clients write them either way.
     */
    static boolean same(String a, String b) {
        return strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String v) {
        String t = v.trim();
        return t.length() > 1 && (t.charAt(0) == 'v' || t.charAt(0) == 'V') && Character.isDigit(t.charAt(1))
                ? t.substring(1) : t;
    }
}
