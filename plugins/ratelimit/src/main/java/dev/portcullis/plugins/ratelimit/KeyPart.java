package dev.portcullis.plugins.ratelimit;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import java.util.Optional;

/** One kind of a rate-limit key, parsed once from config and resolved per request. */
sealed interface KeyPart {

    /** What a resolved part is called in the store key and in the 429 detail. */
    enum Label {
        CONSUMER("consumer"), IP("ip"), ROUTE("route"), HEADER("header"), CLAIM("claim");

        final String text;

        Label(String text) {
            this.text = text;
        }
    }

    String KINDS = "(consumer, ip, route, header:<name>, claim:<name>)";

    /** Resolves this part for {@code exchange} into {@code sink}. */
    void resolve(Exchange exchange, Sink sink);

    /**
     * How a resolved part reads in a 429 detail, e.g. {@code consumer 'acme'}. Header and claim
     * values may be credentials: those parts show their name only.
     */
    default String describe(Label label, String value) {
        return label.text + " '" + value + "'";
    }

    /** Receives resolved parts. */
    interface Sink {
        void part(Label label, String value);
    }

    /** Parses a key kind; throws IllegalArgumentException with the same text as {@link #problem}. */
    static KeyPart parse(String spec) {
        String problem = problem(spec);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return switch (spec) {
            case "consumer" -> new ConsumerPart();
            case "ip" -> new IpPart();
            case "route" -> new RoutePart();
            default -> spec.startsWith("header:") ? new HeaderPart(spec.substring(7)) : new ClaimPart(spec.substring(6));
        };
    }

    /** Why {@code spec} is not a key kind, or null if it is one. */
    static String problem(String spec) {
        if (spec == null) {
            return "must not be null " + KINDS;
        }
        if (spec.equals("consumer") || spec.equals("ip") || spec.equals("route")) {
            return null;
        }
        if (spec.startsWith("header:")) {
            String name = spec.substring(7);
            return isToken(name) ? null : "header:<name> needs a valid header name, got '" + name + "'";
        }
        if (spec.startsWith("claim:")) {
            return spec.length() > 6 ? null : "claim:<name> needs a claim name";
        }
        return "unknown key kind '" + spec + "' " + KINDS;
    }

    /** An RFC 9110 token: what a header name may be. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The client IP stands in for a part that has no value on this request. */
    private static void fallBackToIp(Exchange exchange, Sink sink) {
        String ip = exchange.request().clientIp();
        sink.part(Label.IP, ip);
    }

    /** The consumer name, else the identity's subject, else the client IP. */
    record ConsumerPart() implements KeyPart {
        @Override
        public void resolve(Exchange exchange, Sink sink) {
            Optional<Identity> identity = exchange.identity();
            if (identity.isEmpty()) {
                fallBackToIp(exchange, sink);
                return;
            }
            Identity id = identity.get();
            String name = id.consumer() != null ? id.consumer() : id.subject();
            if (name == null) {
                fallBackToIp(exchange, sink);
            } else {
                sink.part(Label.CONSUMER, name);
            }
        }
    }

    /** The client IP. */
    record IpPart() implements KeyPart {
        @Override
        public void resolve(Exchange exchange, Sink sink) {
            fallBackToIp(exchange, sink);
        }
    }

    /** The route name. */
    record RoutePart() implements KeyPart {
        @Override
        public void resolve(Exchange exchange, Sink sink) {
            String route = exchange.route().name();
            sink.part(Label.ROUTE, route);
        }
    }

    /** A request header's value; only the header's name is shown in details (values may be credentials). */
    record HeaderPart(String name) implements KeyPart {
        @Override
        public void resolve(Exchange exchange, Sink sink) {
            String value = exchange.request().headers().get(name);
            if (value == null) {
                fallBackToIp(exchange, sink);
            } else {
                sink.part(Label.HEADER, value);
            }
        }

        @Override
        public String describe(Label label, String value) {
            return label == Label.HEADER ? "header '" + name + "'" : KeyPart.super.describe(label, value);
        }
    }

    /** An identity claim's value; only the claim's name is shown in details. */
    record ClaimPart(String name) implements KeyPart {
        @Override
        public void resolve(Exchange exchange, Sink sink) {
            Object value = exchange.identity().map(id -> id.claim(name)).orElse(null);
            if (value == null) {
                fallBackToIp(exchange, sink);
            } else {
                sink.part(Label.CLAIM, value.toString());
            }
        }

        @Override
        public String describe(Label label, String value) {
            return label == Label.CLAIM ? "claim '" + name + "'" : KeyPart.super.describe(label, value);
        }
    }
}
