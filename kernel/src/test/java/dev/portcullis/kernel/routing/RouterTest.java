package dev.portcullis.kernel.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Router.HeaderLookup NO_HEADERS = name -> null;

    private static Router.Entry<String> entry(String name, String host, String path, String prefix, Set<String> methods,
            Map<String, String> headers, int order) {
        return new Router.Entry<>(name, HostPattern.of(host), PathPattern.of(path, prefix), methods, headers, order);
    }

    private static String route(Router<String> r, String host, String method, String path) {
        RouteMatch<String> m = r.match(host, method, path, NO_HEADERS);
        return m == null ? null : m.route();
    }

    @Test
    void mostSpecificPathWinsRegardlessOfOrder() {
        Router<String> r = new Router<>(List.of(
                entry("catch-all", null, null, "/", Set.of(), Map.of(), 0),
                entry("api", null, null, "/api", Set.of(), Map.of(), 1),
                entry("api-users", null, null, "/api/users", Set.of(), Map.of(), 2),
                entry("user", null, "/api/users/{id}", null, Set.of(), Map.of(), 3),
                entry("me", null, "/api/users/me", null, Set.of(), Map.of(), 4)));
        assertThat(route(r, "x", "GET", "/api/users/me")).isEqualTo("me");
        assertThat(route(r, "x", "GET", "/api/users/42")).isEqualTo("user");
        assertThat(route(r, "x", "GET", "/api/users/42/orders")).isEqualTo("api-users");
        assertThat(route(r, "x", "GET", "/api/other")).isEqualTo("api");
        assertThat(route(r, "x", "GET", "/elsewhere")).isEqualTo("catch-all");
    }

    @Test
    void prefixMatchesOnSegmentBoundariesOnly() {
        Router<String> r = new Router<>(List.of(entry("api", null, null, "/api", Set.of(), Map.of(), 0)));
        assertThat(route(r, "x", "GET", "/api")).isEqualTo("api");
        assertThat(route(r, "x", "GET", "/api/")).isEqualTo("api");
        assertThat(route(r, "x", "GET", "/api/v1")).isEqualTo("api");
        assertThat(route(r, "x", "GET", "/apix")).isNull();
        assertThat(route(r, "x", "GET", "/")).isNull();
    }

    @Test
    void templateCapturesSegmentValues() {
        Router<String> r = new Router<>(List.of(entry("order", null, "/users/{uid}/orders/{oid}", null, Set.of(), Map.of(), 0)));
        RouteMatch<String> m = r.match("x", "GET", "/users/7/orders/abc", NO_HEADERS);
        assertThat(m.pathParams()).containsExactlyInAnyOrderEntriesOf(Map.of("uid", "7", "oid", "abc"));
        assertThat(r.match("x", "GET", "/users//orders/abc", NO_HEADERS)).isNull();
        assertThat(r.match("x", "GET", "/users/7/orders", NO_HEADERS)).isNull();
        assertThat(r.match("x", "GET", "/users/7/orders/abc/more", NO_HEADERS)).isNull();
    }

    @Test
    void hostExactBeatsWildcardBeatsAny() {
        Router<String> r = new Router<>(List.of(
                entry("any", null, null, "/", Set.of(), Map.of(), 0),
                entry("wild", "*.example.com", null, "/", Set.of(), Map.of(), 1),
                entry("exact", "api.example.com", null, "/", Set.of(), Map.of(), 2)));
        assertThat(route(r, "api.example.com", "GET", "/x")).isEqualTo("exact");
        assertThat(route(r, "www.example.com", "GET", "/x")).isEqualTo("wild");
        assertThat(route(r, "a.b.example.com", "GET", "/x")).isEqualTo("wild");
        assertThat(route(r, "example.com", "GET", "/x")).isEqualTo("any");
        assertThat(route(r, "other.org", "GET", "/x")).isEqualTo("any");
    }

    @Test
    void methodsAndHeadersNarrowTheMatch() {
        Router<String> r = new Router<>(List.of(
                entry("read", null, null, "/orders", Set.of("GET"), Map.of(), 0),
                entry("write-v2", null, null, "/orders", Set.of("POST"), Map.of("X-Version", "2"), 1),
                entry("write", null, null, "/orders", Set.of("POST"), Map.of(), 2)));
        assertThat(route(r, "x", "GET", "/orders")).isEqualTo("read");
        assertThat(route(r, "x", "POST", "/orders")).isEqualTo("write");
        assertThat(r.match("x", "POST", "/orders", n -> n.equalsIgnoreCase("x-version") ? "2" : null).route()).isEqualTo("write-v2");
        assertThat(route(r, "x", "DELETE", "/orders")).isNull();
    }

    @Test
    void queryParametersSelectARoute() {
        Router<String> r = new Router<>(List.of(
                new Router.Entry<>("v1", HostPattern.ANY, PathPattern.of(null, "/items"), Set.of(), Map.of(), Map.of(), 0),
                new Router.Entry<>("v2", HostPattern.ANY, PathPattern.of(null, "/items"), Set.of(), Map.of(), Map.of("version", "2"), 1)));
        assertThat(r.match("x", "GET", "/items", NO_HEADERS, n -> n.equals("version") ? "2" : null).route()).isEqualTo("v2");
        assertThat(r.match("x", "GET", "/items", NO_HEADERS, n -> n.equals("version") ? "1" : null).route()).isEqualTo("v1");
        assertThat(r.match("x", "GET", "/items", NO_HEADERS).route()).isEqualTo("v1");
    }

    @Test
    void equalSpecificityFallsBackToDeclarationOrder() {
        Router<String> r = new Router<>(List.of(
                entry("first", null, null, "/a", Set.of(), Map.of(), 0),
                entry("second", null, null, "/a", Set.of(), Map.of(), 1)));
        assertThat(route(r, "x", "GET", "/a/b")).isEqualTo("first");
    }

    @Test
    void thousandRoutesEachReachable() {
        List<Router.Entry<String>> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entries.add(entry("r" + i, null, null, "/svc" + i + "/api", Set.of(), Map.of(), i));
        }
        Router<String> r = new Router<>(entries);
        for (int i = 0; i < 1000; i += 37) {
            assertThat(route(r, "x", "GET", "/svc" + i + "/api/items/1")).isEqualTo("r" + i);
        }
        assertThat(route(r, "x", "GET", "/svc1000/api")).isNull();
    }

    @Test
    void malformedTemplateIsRefused() {
        assertThatThrownBy(() -> PathPattern.of("/users/{id}x", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBucketIndexedByHostAnswersExactlyAsAFullScanDoes() {
        // many routes per first segment that differ by host (the index kicks in), mixed with
        // routes for any host, templates, prefixes, methods; compared with a plain priority scan
        java.util.Random random = new java.util.Random(7);
        String[] hosts = {"a.example.com", "b.example.com", "x.a.example.com", "tenant3.example.com", "api.local", "example.com", "z.y.x.a.example.com"};
        String[] hostPatterns = {null, "a.example.com", "*.example.com", "*.a.example.com", "api.local", "*.local", "tenant3.example.com", "*.x.a.example.com"};
        String[] paths = {"/api", "/api/users", "/api/users/7", "/api/users/7/orders", "/api/orders", "/other", "/api/users/me"};
        for (int table = 0; table < 40; table++) {
            List<Router.Entry<String>> entries = new ArrayList<>();
            int size = 20 + random.nextInt(200);
            for (int i = 0; i < size; i++) {
                String host = random.nextInt(10) == 0 ? null : hostPatterns[random.nextInt(hostPatterns.length)];
                int kind = random.nextInt(4);
                String exact = kind == 0 ? "/api/users/me" : kind == 1 ? "/api/users/{id}" : null;
                String prefix = kind == 2 ? "/api" : kind == 3 ? (random.nextBoolean() ? "/api/users" : "/") : null;
                Set<String> methods = random.nextInt(3) == 0 ? Set.of("POST") : Set.of();
                entries.add(entry("r" + i, host, exact, prefix, methods, Map.of(), i));
            }
            Router<String> router = new Router<>(entries);
            List<Router.Entry<String>> byPriority = new ArrayList<>(entries);
            byPriority.sort(java.util.Comparator.<Router.Entry<String>>comparingInt(Router.Entry::specificity).reversed()
                    .thenComparingInt(Router.Entry::order));
            for (String host : hosts) {
                for (String path : paths) {
                    for (String method : List.of("GET", "POST")) {
                        String expected = null;
                        for (Router.Entry<String> e : byPriority) {
                            if (e.host().matches(host) && (e.methods().isEmpty() || e.methods().contains(method))
                                    && e.path().matches(path, new java.util.HashMap<>())) {
                                expected = e.payload();
                                break;
                            }
                        }
                        assertThat(route(router, host, method, path)).as("table %d: %s %s %s", table, host, method, path)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }
}
