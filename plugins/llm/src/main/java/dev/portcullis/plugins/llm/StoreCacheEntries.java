package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The shared mode of the semantic cache: entries live in a {@link StateStore} (Redis for several
 * nodes) so that an answer stored by one node serves the others.
 * <ul>
 *   <li>{@code scache:<model>:e:<scope>:<id>} → the entry (prompt, vector, answer) as JSON, with the TTL;</li>
 *   <li>{@code scache:<model>:p:<scope>:<partition>} → the ids of the partition's entries, newest last,
 *       at most {@value #MAX_PARTITION_IDS}, its TTL renewed on every store.</li>
 * </ul>
 * {@code <model>} keeps vectors of different embedders apart; {@code <scope>} is a hash of the
 * consumer, so keys never carry a consumer name. Decoded entries are kept in a local memo (vectors
 * do not change), but an entry is read again from the store before it is served, so an admin
 * DELETE on any node takes effect on all. The index is updated read-modify-write: two nodes storing
 * into one partition at the same instant may lose an id, which costs a later miss, never a wrong
 * hit. A store that cannot answer makes every lookup a miss (fail open); nothing is stored.
 */
final class StoreCacheEntries implements CacheEntries {

    static final int MAX_PARTITION_IDS = 1000;
    private static final int ADMIN_LIMIT = 1_000_000;

    private final StateStore store;
    private final String prefix;
    private final Duration ttl;
    private final Cache<String, CachedAnswer> memo;

    StoreCacheEntries(StateStore store, String model, Duration ttl, long maxEntries) {
        this.store = store;
        this.prefix = "scache:" + hash(model).substring(0, 12) + ":";
        this.ttl = ttl;
        this.memo = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static String scopeTag(String scope) {
        return hash(scope).substring(0, 24);
    }

    private String entryKey(String scope, String id) {
        return prefix + "e:" + scopeTag(scope) + ":" + id;
    }

    private String indexKey(String scope, String partition) {
        return prefix + "p:" + scopeTag(scope) + ":" + partition;
    }

    @Override
    public CachedAnswer get(String scope, String id) {
        String key = entryKey(scope, id);
        try {
            byte[] value = store.getValue(key).orElse(null);
            if (value == null) {
                memo.invalidate(key);
                return null;
            }
            CachedAnswer e = decode(value);
            memo.put(key, e);
            return e.scope().equals(scope) ? e : null;
        } catch (StoreUnavailableException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public List<CachedAnswer> partition(String scope, String partition) {
        List<String> ids;
        try {
            ids = store.getValue(indexKey(scope, partition)).map(StoreCacheEntries::ids).orElse(List.of());
        } catch (StoreUnavailableException e) {
            return List.of();
        }
        List<CachedAnswer> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            String key = entryKey(scope, id);
            CachedAnswer e = memo.getIfPresent(key);
            if (e == null) {
                e = get(scope, id);
            }
            if (e != null && e.semantic()) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> ids(byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Override
    public void put(CachedAnswer entry) {
        String key = entryKey(entry.scope(), entry.id());
        try {
            store.putValue(key, encode(entry), ttl);
            memo.put(key, entry);
            if (entry.semantic()) {
                String index = indexKey(entry.scope(), entry.partition());
                Set<String> ids = new LinkedHashSet<>(store.getValue(index).map(StoreCacheEntries::ids).orElse(List.of()));
                ids.remove(entry.id());
                ids.add(entry.id());
                List<String> kept = new ArrayList<>(ids);
                if (kept.size() > MAX_PARTITION_IDS) {
                    kept = kept.subList(kept.size() - MAX_PARTITION_IDS, kept.size());
                }
                store.putValue(index, String.join("\n", kept).getBytes(StandardCharsets.US_ASCII), ttl);
            }
        } catch (StoreUnavailableException e) {
            // fail open: the answer is simply not cached
        }
    }

    @Override
    public long size() {
        return store.keys(prefix + "e:", ADMIN_LIMIT).size();
    }

    @Override
    public long clear() {
        memo.invalidateAll();
        deleteAll(prefix + "p:");
        return deleteAll(prefix + "e:");
    }

    @Override
    public long clear(String scope) {
        memo.invalidateAll();
        String tag = scopeTag(scope);
        deleteAll(prefix + "p:" + tag + ":");
        return deleteAll(prefix + "e:" + tag + ":");
    }

    private long deleteAll(String keyPrefix) {
        List<String> keys = store.keys(keyPrefix, ADMIN_LIMIT);
        for (String k : keys) {
            store.delete(k);
        }
        return keys.size();
    }

    @Override
    public void close() {
        memo.invalidateAll();
    }

    static byte[] encode(CachedAnswer e) {
        ObjectNode n = Json.object();
        n.put("id", e.id());
        n.put("scope", e.scope());
        if (e.semantic()) {
            n.put("partition", e.partition());
            n.put("prompt", e.prompt());
            ByteBuffer buf = ByteBuffer.allocate(e.vector().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : e.vector()) {
                buf.putFloat(f);
            }
            n.put("vector", Base64.getEncoder().encodeToString(buf.array()));
        }
        ChatResponse a = e.answer();
        ObjectNode answer = n.putObject("answer");
        answer.put("id", a.id());
        answer.put("model", a.model());
        answer.put("stop", a.stopReason().name());
        Usage u = a.usage();
        answer.putArray("usage").add(u.inputTokens()).add(u.outputTokens()).add(u.cachedInputTokens()).add(u.reasoningTokens());
        ArrayNode text = answer.putArray("text");
        for (ContentPart p : a.content()) {
            if (p instanceof ContentPart.Text t) {
                text.add(t.text());
            }
        }
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode a cache entry", ex);
        }
    }

    static CachedAnswer decode(byte[] bytes) {
        JsonNode n = Json.parse(bytes);
        float[] vector = null;
        if (n.hasNonNull("vector")) {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(n.get("vector").asText())).order(ByteOrder.LITTLE_ENDIAN);
            vector = new float[buf.remaining() / 4];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = buf.getFloat();
            }
        }
        JsonNode a = n.get("answer");
        List<ContentPart> content = new ArrayList<>();
        for (JsonNode t : a.get("text")) {
            content.add(new ContentPart.Text(t.asText()));
        }
        JsonNode u = a.get("usage");
        ChatResponse answer = new ChatResponse(a.path("id").asText(null), a.path("model").asText(null), content,
                StopReason.valueOf(a.get("stop").asText()),
                new Usage(u.get(0).asLong(), u.get(1).asLong(), u.get(2).asLong(), u.get(3).asLong()));
        return new CachedAnswer(n.get("id").asText(), n.get("scope").asText(), n.path("partition").asText(null),
                n.path("prompt").asText(null), vector, answer);
    }
}
