package dev.portcullis.guard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.util.List;

/**
 * Config of a {@code pii-guard} policy:
 * {@code { type: pii-guard, detectors: [email, phone, payment-card, iban], restore: true }}.
 *
 * @param detectors   detector names of the shared set (the inspect plugin's): {@code email},
 *                    {@code phone}, {@code payment-card}, {@code iban}, {@code us-ssn},
 *                    {@code secret}, {@code ipv4}, {@code ipv6}; default all but the IP addresses
 * @param requests    redact the chat request's texts before they reach the model (default true)
 * @param responses   redact the model's answer, streamed or not (default true)
 * @param restore     reversible placeholders: the request's values become {@code <EMAIL_1>} and are
 *                    put back where the answer repeats them (default false: plain {@code <EMAIL>})
 * @param holdBack    characters of a streamed answer held back so that a value split across
 *                    chunks is still caught whole (default 128; longer values may slip through a stream)
 * @param maxBodySize larger requests are refused with 413 and larger non-streamed answers with 502 (default 4MiB)
 */
public record PiiGuardConfig(
        @JsonPropertyDescription("Detectors: email, phone, payment-card, iban, us-ssn, secret, ipv4, ipv6")
        List<String> detectors,
        @JsonPropertyDescription("Redact the request's texts (default true)")
        Boolean requests,
        @JsonPropertyDescription("Redact the model's answer, streams included (default true)")
        Boolean responses,
        @JsonPropertyDescription("Reversible placeholders restored in the answer (default false)")
        Boolean restore,
        @JsonPropertyDescription("Characters of a streamed answer held back to catch values split across chunks (default 128)")
        Integer holdBack,
        @JsonPropertyDescription("Largest body the guard reads (default 4MiB)")
        DataSize maxBodySize) implements Validatable {

    static final List<String> DEFAULT_DETECTORS = List.of("email", "phone", "payment-card", "iban", "us-ssn", "secret");

    /** Fills defaults. */
    public PiiGuardConfig {
        detectors = detectors == null ? DEFAULT_DETECTORS : List.copyOf(detectors);
        requests = requests == null || requests;
        responses = responses == null || responses;
        restore = restore != null && restore;
        holdBack = holdBack == null ? 128 : holdBack;
        maxBodySize = maxBodySize == null ? DataSize.ofBytes(4L << 20) : maxBodySize;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (detectors.isEmpty()) {
            errors.add("detectors", "must name at least one detector");
        }
        for (int i = 0; i < detectors.size(); i++) {
            if (!DetectorRegistry.isBuiltIn(detectors.get(i))) {
                errors.add("detectors[" + i + "]", "unknown detector '" + detectors.get(i) + "'; one of "
                        + DetectorRegistry.builtIn().names());
            }
        }
        if (!requests && !responses) {
            errors.add("requests", "requests and responses are both off: the guard would do nothing");
        }
        if (restore && !requests) {
            errors.add("restore", "needs requests: only values redacted from the request can be restored");
        }
        if (holdBack < 16 || holdBack > 4096) {
            errors.add("holdBack", "must be between 16 and 4096");
        }
        if (maxBodySize.bytes() < 1024) {
            errors.add("maxBodySize", "must be at least 1KiB");
        }
    }
}
