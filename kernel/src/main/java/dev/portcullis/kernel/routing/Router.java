package dev.portcullis.kernel.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Picks the route for a request: the most specific matching route wins (exact path, then
 * template, then longest prefix; then exact host, wildcard host, any host; then more conditions),
 * ties broken by declaration order. Deterministic and independent of map iteration order.
 *
 * <p>Routes are bucketed by their first literal path segment, so a request only scans the routes
 * that could match its first segment plus those that match any first segment; each bucket is
 * pre-sorted so the first hit is the answer.
 *
 * @param <R> the routed payload
 */
public final class Router<R> {

    /** A route's conditions and payload, as given to {@link #Router(List)}. */
    public record Entry<R>(
            R payload, HostPattern host, PathPattern path, Set<String> methods, Map<String, String> headers,
            Map<String, String> query, int order) {

        /** An entry without query conditions. */
        public Entry(R payload, HostPattern host, PathPattern path, Set<String> methods, Map<String, String> headers, int order) {
            this(payload, host, path, methods, headers, Map.of(), order);
        }

        int specificity() {
            // path dominates, then host, then number of extra conditions
            return path.specificity() * 8 + host.specificity() * 3 + (methods.isEmpty() ? 0 : 1)
                    + (headers.isEmpty() ? 0 : 1) + (query.isEmpty() ? 0 : 1);
        }
    }

    /** Reads a decoded query parameter by name, or null; a lambda over the request's query. */
    @FunctionalInterface
    public interface QueryLookup {
        /** The first value of {@code name}, or null. */
        String get(String name);

        /** A lookup that finds nothing. */
        QueryLookup NONE = name -> null;
    }

    /** Reads a request header by name (case-insensitive); a lambda over the server's headers. */
    @FunctionalInterface
    public interface HeaderLookup {
        /** The first value of {@code name}, or null. */
        String get(String name);
    }

    private static final Comparator<Entry<?>> PRIORITY =
            Comparator.<Entry<?>>comparingInt(Entry::specificity).reversed().thenComparingInt(Entry::order);

    private final Map<String, Entry<R>[]> bySegment;
    private final Entry<R>[] anySegment;
    private final int size;

    /** Compiles the routing table; {@code entries} in declaration order. */
    @SuppressWarnings("unchecked")
    public Router(List<Entry<R>> entries) {
        this.size = entries.size();
        List<Entry<R>> generic = new ArrayList<>();
        Map<String, List<Entry<R>>> buckets = new LinkedHashMap<>();
        for (Entry<R> e : entries) {
            String seg = e.path().firstSegment();
            if (seg == null) {
                generic.add(e);
            } else {
                buckets.computeIfAbsent(seg, k -> new ArrayList<>()).add(e);
            }
        }
        Entry<R>[] any = generic.toArray(Entry[]::new);
        Arrays.sort(any, PRIORITY);
        this.anySegment = any;
        this.bySegment = new HashMap<>();
        buckets.forEach((seg, list) -> {
            List<Entry<R>> merged = new ArrayList<>(list);
            merged.addAll(generic);
            Entry<R>[] arr = merged.toArray(Entry[]::new);
            Arrays.sort(arr, PRIORITY);
            bySegment.put(seg, arr);
        });
    }

    /** Number of routes. */
    public int size() {
        return size;
    }

    /**
     * The best route for the request, or {@code null}.
     *
     * @param host    lower-case host without port
     * @param method  upper-case method
     * @param path    normalised, decoded path
     * @param headers header lookup
     */
    public RouteMatch<R> match(String host, String method, String path, HeaderLookup headers) {
        return match(host, method, path, headers, QueryLookup.NONE);
    }

    /**
     * The best route for the request, or {@code null}.
     *
     * @param host    lower-case host without port
     * @param method  upper-case method
     * @param path    normalised, decoded path
     * @param headers header lookup
     * @param query   query parameter lookup (parsed only if a candidate route asks)
     */
    public RouteMatch<R> match(String host, String method, String path, HeaderLookup headers, QueryLookup query) {
        Entry<R>[] candidates = bySegment.getOrDefault(firstSegment(path), anySegment);
        Map<String, String> params = null;
        for (Entry<R> e : candidates) {
            if (!e.host().matches(host)) {
                continue;
            }
            if (!e.methods().isEmpty() && !e.methods().contains(method)) {
                continue;
            }
            if (!e.headers().isEmpty() && !headersMatch(e.headers(), headers)) {
                continue;
            }
            if (!e.query().isEmpty() && !queryMatches(e.query(), query)) {
                continue;
            }
            if (e.path() instanceof PathPattern.Template) {
                if (params == null) {
                    params = new HashMap<>(4);
                } else {
                    params.clear();
                }
                if (e.path().matches(path, params)) {
                    return new RouteMatch<>(e.payload(), Map.copyOf(params));
                }
            } else if (e.path().matches(path, null)) {
                return new RouteMatch<>(e.payload(), Map.of());
            }
        }
        return null;
    }

    private static boolean headersMatch(Map<String, String> required, HeaderLookup headers) {
        for (Map.Entry<String, String> h : required.entrySet()) {
            if (!h.getValue().equals(headers.get(h.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean queryMatches(Map<String, String> required, QueryLookup query) {
        for (Map.Entry<String, String> q : required.entrySet()) {
            if (!q.getValue().equals(query.get(q.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String firstSegment(String path) {
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    /** Upper-cases and de-duplicates configured methods. */
    public static Set<String> methods(List<String> methods) {
        return Set.copyOf(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
    }
}
