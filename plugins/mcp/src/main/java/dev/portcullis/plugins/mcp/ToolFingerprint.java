package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fingerprint of a tool definition: SHA-256 over the canonical JSON (keys sorted at every
 * level, no whitespace) of its name, description, input schema and annotations.
 */
final class ToolFingerprint {

    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final String[] FIELDS = {"name", "description", "inputSchema", "annotations"};

    private ToolFingerprint() {}

    /** {@code sha256:<hex>} of {@code definition}'s pinned fields. */
    static String of(Map<String, Object> definition) {
        Map<String, Object> pinned = new LinkedHashMap<>();
        for (String f : FIELDS) {
            Object v = definition.get(f);
            if (v != null) {
                pinned.put(f, v);
            }
        }
        try {
            byte[] json = CANONICAL.writeValueAsBytes(pinned);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a tool definition", e);
        }
    }
}
