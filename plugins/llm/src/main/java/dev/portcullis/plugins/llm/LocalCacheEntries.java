package dev.portcullis.plugins.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded store of the semantic cache: a Caffeine cache bounded in size with a TTL, plus an
 * index from (scope, partition) to entry ids so that a lookup compares only the vectors that could
 * serve it. The index follows the cache through a synchronous removal listener. A search is a
 * linear scan of one partition (384 multiply-adds per entry for MiniLM), bounded by {@code maxEntries}.
 */
final class LocalCacheEntries implements CacheEntries {

    private final Cache<String, CachedAnswer> entries;
    private final Map<String, Set<String>> partitions = new ConcurrentHashMap<>();

    LocalCacheEntries(Duration ttl, long maxEntries) {
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maxEntries)
                .executor(Runnable::run) // index upkeep on the caller's thread, so it never lags
                .removalListener((String id, CachedAnswer e, RemovalCause cause) -> {
                    if (e != null && cause != RemovalCause.REPLACED) {
                        unindex(e);
                    }
                })
                .build();
    }

    private static String key(String scope, String id) {
        return scope.length() + ":" + scope + ":" + id;
    }

    private static String partitionKey(String scope, String partition) {
        return scope.length() + ":" + scope + ":" + partition;
    }

    private void unindex(CachedAnswer e) {
        if (!e.semantic()) {
            return;
        }
        partitions.computeIfPresent(partitionKey(e.scope(), e.partition()), (k, ids) -> {
            ids.remove(key(e.scope(), e.id()));
            return ids.isEmpty() ? null : ids;
        });
    }

    @Override
    public CachedAnswer get(String scope, String id) {
        return entries.getIfPresent(key(scope, id));
    }

    @Override
    public List<CachedAnswer> partition(String scope, String partition) {
        Set<String> ids = partitions.get(partitionKey(scope, partition));
        if (ids == null) {
            return List.of();
        }
        List<CachedAnswer> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            CachedAnswer e = entries.getIfPresent(id);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public void put(CachedAnswer entry) {
        if (entry.semantic()) {
            partitions.computeIfAbsent(partitionKey(entry.scope(), entry.partition()), k -> ConcurrentHashMap.newKeySet())
                    .add(key(entry.scope(), entry.id()));
        }
        entries.put(key(entry.scope(), entry.id()), entry);
    }

    @Override
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    @Override
    public long clear() {
        long n = size();
        entries.invalidateAll();
        return n;
    }

    @Override
    public long clear(String scope) {
        long n = 0;
        for (Map.Entry<String, CachedAnswer> e : entries.asMap().entrySet()) {
            if (e.getValue().scope().equals(scope) && entries.asMap().remove(e.getKey()) != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        entries.invalidateAll();
    }
}
