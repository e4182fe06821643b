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
 * pre-sorted so the first hit is the answer. A bucket of many routes that differ by host is also
 * indexed by host, so that only the routes for the request's host are looked at.
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

    private final Map<String, Bucket<R>> bySegment;
    private final Bucket<R> anySegment;
    private final int size;

    /** The candidates for one first segment, in priority order, with a host index when it pays. */
    private record Bucket<R>(Entry<R>[] entries, HostIndex hosts) {
        static <R> Bucket<R> of(Entry<R>[] sorted) {
            return new Bucket<>(sorted, HostIndex.of(sorted));
        }
    }

    /**
     * Positions (in the bucket's priority order) of the entries that name a host, by exact host and
     * by wildcard suffix, plus those of the entries for any host. Built for buckets where many
     * routes differ only by host (say one per tenant, all under {@code /api}): a request then looks
     * at the routes for its own host instead of scanning them all (RouterBench: 18 µs for the last
     * of 2,500 such routes without it).
     */
    private record HostIndex(Map<String, int[]> exact, Map<String, int[]> suffix, int[] anyHost) {

        /** Fewer host routes than this, or too many routes for any host: a plain scan is as quick. */
        static final int MIN_HOSTED = 16;

        static HostIndex of(Entry<?>[] sorted) {
            Map<String, List<Integer>> exact = new HashMap<>();
            Map<String, List<Integer>> suffix = new HashMap<>();
            List<Integer> any = new ArrayList<>();
            for (int i = 0; i < sorted.length; i++) {
                HostPattern h = sorted[i].host();
                if (h.exact() != null) {
                    exact.computeIfAbsent(h.exact(), k -> new ArrayList<>()).add(i);
                } else if (h.suffix() != null) {
                    suffix.computeIfAbsent(h.suffix(), k -> new ArrayList<>()).add(i);
                } else {
                    any.add(i);
                }
            }
            int hosted = sorted.length - any.size();
            if (hosted < MIN_HOSTED || any.size() * 4 > hosted) {
                return null;
            }
            return new HostIndex(ints(exact), ints(suffix), any.stream().mapToInt(Integer::intValue).toArray());
        }

        private static Map<String, int[]> ints(Map<String, List<Integer>> lists) {
            Map<String, int[]> out = new HashMap<>();
            lists.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            return out;
        }

        /** The positions of the entries whose host condition {@code host} can meet, ascending. */
        int[] candidates(String host) {
            if (host == null) {
                return anyHost;
            }
            int[] ex = exact.get(host);
            int n = anyHost.length + (ex == null ? 0 : ex.length);
            int[][] bySuffix = null;
            int found = 0;
            // a wildcard *.b.c is stored as ".b.c": look up every suffix of the host that starts at a dot
            for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
                int[] s = suffix.get(host.substring(dot));
                if (s != null) {
                    if (bySuffix == null) {
                        bySuffix = new int[4][];
                    } else if (found == bySuffix.length) {
                        bySuffix = Arrays.copyOf(bySuffix, found * 2);
                    }
                    bySuffix[found++] = s;
                    n += s.length;
                }
            }
            int[] out = new int[n];
            int at = 0;
            System.arraycopy(anyHost, 0, out, at, anyHost.length);
            at += anyHost.length;
            if (ex != null) {
                System.arraycopy(ex, 0, out, at, ex.length);
                at += ex.length;
            }
            for (int i = 0; i < found; i++) {
                System.arraycopy(bySuffix[i], 0, out, at, bySuffix[i].length);
                at += bySuffix[i].length;
            }
            Arrays.sort(out); // back into priority order
            return out;
        }
    }

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
        this.anySegment = Bucket.of(any);
        this.bySegment = new HashMap<>();
        buckets.forEach((seg, list) -> {
            List<Entry<R>> merged = new ArrayList<>(list);
            merged.addAll(generic);
            Entry<R>[] arr = merged.toArray(Entry[]::new);
            Arrays.sort(arr, PRIORITY);
            bySegment.put(seg, Bucket.of(arr));
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
        Bucket<R> bucket = bySegment.getOrDefault(firstSegment(path), anySegment);
        Entry<R>[] entries = bucket.entries();
        int[] only = bucket.hosts() == null ? null : bucket.hosts().candidates(host);
        int n = only == null ? entries.length : only.length;
        Map<String, String> params = null;
        for (int i = 0; i < n; i++) {
            Entry<R> e = entries[only == null ? i : only[i]];
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
