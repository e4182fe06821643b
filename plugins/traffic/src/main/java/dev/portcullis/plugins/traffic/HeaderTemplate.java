package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * A header value with {@code %{variable}} placeholders, parsed once when the config is loaded and
 * rendered per request by concatenation (no regex, no parsing on the hot path).
 *
 * <p>Variables: {@code %{requestId}}, {@code %{clientIp}}, {@code %{consumer}} (the identity's
 * consumer, empty when there is none) and {@code %{route}}. A {@code %} not followed by
 * {@code {} is literal.
 */
final class HeaderTemplate {

    /** The variables a template may use. */
    enum Variable {
        REQUEST_ID("requestId"),
        CLIENT_IP("clientIp"),
        CONSUMER("consumer"),
        ROUTE("route");

        final String token;

        Variable(String token) {
            this.token = token;
        }

        String valueIn(Exchange exchange) {
            return switch (this) {
                case REQUEST_ID -> exchange.requestId();
                case CLIENT_IP -> exchange.request().clientIp();
                case CONSUMER -> exchange.identity().map(Identity::consumer).orElse("");
                case ROUTE -> exchange.route().name();
            };
        }

        static Variable byToken(String token) {
            for (Variable v : values()) {
                if (v.token.equals(token)) {
                    return v;
                }
            }
            return null;
        }
    }

    private final String constant;
    /** Alternating parts: {@link String} literals and {@link Variable}s; null when constant. */
    private final Object[] parts;
    private final int literalLength;

    private HeaderTemplate(String constant, Object[] parts, int literalLength) {
        this.constant = constant;
        this.parts = parts;
        this.literalLength = literalLength;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the problem: an unknown variable or an unclosed
     *                                  {@code %{}, or a line break (header injection)
     */
    static HeaderTemplate parse(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("line breaks are not allowed in a header value");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int literalLength = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '%{' at position " + i);
                }
                String token = text.substring(i + 2, close);
                Variable variable = Variable.byToken(token);
                if (variable == null) {
                    throw new IllegalArgumentException("unknown variable '%{" + token
                            + "}' (known: %{requestId}, %{clientIp}, %{consumer}, %{route})");
                }
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literalLength += literal.length();
                    literal.setLength(0);
                }
                parts.add(variable);
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (parts.isEmpty()) {
            return new HeaderTemplate(literal.toString(), null, literal.length());
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
            literalLength += literal.length();
        }
        return new HeaderTemplate(null, parts.toArray(), literalLength);
    }

    /** Whether the value is the same for every request. */
    boolean isConstant() {
        return parts == null;
    }

    /** The value for this exchange. */
    String render(Exchange exchange) {
        if (parts == null) {
            return constant;
        }
        StringBuilder out = new StringBuilder(literalLength + 32);
        for (Object part : parts) {
            if (part instanceof Variable v) {
                String value = v.valueIn(exchange);
                if (value != null) {
                    appendSafe(out, value);
                }
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    /** Appends a runtime value, dropping CR and LF so no value can split the header. */
    private static void appendSafe(StringBuilder out, String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                out.append(c);
            }
        }
    }
}
