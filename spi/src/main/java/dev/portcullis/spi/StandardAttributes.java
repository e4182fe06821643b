package dev.portcullis.spi;

/** Attribute keys the kernel itself reads, for logs and metrics. */
public final class StandardAttributes {

    /** The upstream that served the request ({@code host:port}, or a provider name); set by backends. */
    public static final AttributeKey<String> UPSTREAM = AttributeKey.of("upstream", String.class);

    private StandardAttributes() {}
}
