package dev.portcullis.distribution.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale-out as an operator runs it: three {@code bin/portcullis} processes from the unpacked zip,
 * one config file (each node's ports and name come from the environment), one real Redis as the
 * shared store (a key prefix of this run's own), nginx round-robin in front. Proves that request
 * limits, token limits and budgets hold for the cluster as a whole, that an MCP session opened on
 * one node continues on the others, and that killing a node with SIGKILL under load costs only the
 * requests it had in flight.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Requests per day on the limited route, for the whole cluster. */
    static final int REQUEST_LIMIT = 300;
    /** Output tokens per day on the tokens route; each call reserves and uses {@value #MAX_TOKENS}. */
    static final int TOKEN_LIMIT = 4800;
    static final int MAX_TOKENS = 16;
    /** What the mock provider reports as input tokens of every call. */
    static final int PROMPT_TOKENS = 10;
    /** The budget: 0.03 USD a day, in micro-USD; a call costs 26 micro-USD at 1 USD per 1M tokens. */
    static final long BUDGET_MICROS = 30_000;
    static final long CALL_MICROS = PROMPT_TOKENS + MAX_TOKENS;

    static Path home;
    static Path work;
    static String prefix;
    static HttpServer upstream;
    static EchoMcpServer mcp;
    static final List<Node> nodes = new ArrayList<>();
    static Nginx nginx;

    static final AtomicInteger limitedServed = new AtomicInteger();
    static final Map<String, AtomicInteger> chatServed = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> steadyInFlight = new ConcurrentHashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        Nginx.binary(); // fails at once, with the install command, when nginx is missing
        LocalRedis.require();
        home = Unpacked.home();
        work = Files.createTempDirectory("portcullis-cluster");
        prefix = "portcullis-cluster-it:" + UUID.randomUUID() + ":";
        upstream = startUpstream();
        mcp = new EchoMcpServer();

        Path config = home.resolve("conf/cluster.yaml");
        Files.writeString(config, config());
        for (String name : List.of("a", "b", "c")) {
            nodes.add(new Node(name, Unpacked.freePort(), Unpacked.freePort(), work.resolve("node-" + name + ".log")));
        }
        for (Node n : nodes) {
            n.start(config);
        }
        for (Node n : nodes) {
            n.awaitReady();
        }
        nginx = Nginx.start(work.resolve("nginx"), nodes.stream().map(n -> n.port).toList());
    }

    @AfterAll
    static void stopCluster() throws IOException {
        for (Node n : nodes) {
            n.stop();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (mcp != null) {
            mcp.close();
        }
        if (prefix != null) {
            LocalRedis.deleteKeys(prefix);
        }
    }

    /** One config for every node; {@code ${NODE*}} variables make each its own. */
    static String config() {
        String up = "http://127.0.0.1:" + upstream.getAddress().getPort();
        return """
                server:
                  host: 127.0.0.1
                  port: "${NODE_PORT}"
                  admin: { port: "${NODE_ADMIN_PORT}" }
                  accessLog: { enabled: false }
                  shutdownGracePeriod: 5s
                stores:
                  shared: { type: redis, uri: "%1$s", keyPrefix: "%2$s", timeout: 3s }  # generous: CI machines run other builds beside this one
                policies:
                  node-name: { type: request-headers, set: { X-Node: "${NODE}" } }
                routes:
                  - name: limited
                    match: { pathPrefix: /limited }
                    policies:
                      - { type: rate-limit, key: route, limit: %3$d, period: 1d, store: shared, failMode: closed }
                    backend: { type: http, targets: [ { url: "%4$s" } ] }
                  - name: steady
                    match: { pathPrefix: /steady }
                    policies: [ node-name ]
                    backend: { type: http, targets: [ { url: "%4$s" } ] }
                  - name: tokens
                    match: { pathPrefix: /tokens }
                    policies:
                      - { type: token-rate-limit, key: route, tokensPerDay: %5$d, on: output, store: shared, failMode: closed }
                    backend:
                      type: llm
                      providers: [ { name: mock, type: openai-compatible, baseUrl: "%4$s/v1", models: { chat: tokens-model } } ]
                  - name: budget
                    match: { pathPrefix: /budget }
                    policies:
                      - { type: budget, name: cluster, key: consumer, period: day, amount: %6$s, currency: USD,
                          prices: { chat: { input: 1.0, output: 1.0 } }, store: shared }
                    backend:
                      type: llm
                      providers: [ { name: mock, type: openai-compatible, baseUrl: "%4$s/v1", models: { chat: budget-model } } ]
                  - name: tools
                    match: { path: /mcp }
                    backend: { type: mcp, servers: [ { name: echo, url: "%7$s" } ], store: shared }
                """.formatted(LocalRedis.URI, prefix, REQUEST_LIMIT, up, TOKEN_LIMIT, BUDGET_MICROS / 1_000_000.0, mcp.url());
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aRequestLimitHoldsForTheWholeCluster() throws Exception {
        awayFromTheEndOfTheDay();
        List<Outcome> outcomes = fire(48, 1000, () -> HttpRequest.newBuilder(viaNginx("/limited/item")).build());

        Map<Integer, Long> byStatus = countByStatus(outcomes);
        long admitted = byStatus.getOrDefault(200, 0L);
        System.out.printf("[cluster] rate-limit %d/day, 1000 requests at c=48 through nginx: %s; admitted per node %s%n",
                REQUEST_LIMIT, byStatus, perNode(outcomes, 200));
        assertThat(byStatus.keySet()).as("only admissions and 429s").containsOnly(200, 429);
        assertThat(admitted).as("admitted across three nodes (over-admission <= 1%%)")
                .isLessThanOrEqualTo((long) (REQUEST_LIMIT * 1.01))
                .isGreaterThanOrEqualTo((long) (REQUEST_LIMIT * 0.99));
        assertThat(limitedServed.get()).as("the upstream saw exactly the admitted requests").isEqualTo((int) admitted);
        // every node admitted and refused some: the counter they share is what stopped them
        assertThat(perNode(outcomes, 200).keySet()).hasSize(3);
        assertThat(perNode(outcomes, 429).keySet()).hasSize(3);
    }

    @Test
    @Order(2)
    void aTokenLimitHoldsForTheWholeCluster() throws Exception {
        awayFromTheEndOfTheDay();
        List<Outcome> outcomes = fire(32, 600, () -> chat("/tokens/v1/chat/completions"));

        Map<Integer, Long> byStatus = countByStatus(outcomes);
        long admitted = byStatus.getOrDefault(200, 0L);
        long tokens = admitted * MAX_TOKENS;
        System.out.printf("[cluster] token-rate-limit %d output tokens/day (%d per call), 600 calls at c=32: %s, %d tokens; "
                + "admitted per node %s%n", TOKEN_LIMIT, MAX_TOKENS, byStatus, tokens, perNode(outcomes, 200));
        assertThat(byStatus.keySet()).containsOnly(200, 429);
        assertThat(tokens).as("output tokens served across three nodes (over-admission <= 1%%)")
                .isLessThanOrEqualTo((long) (TOKEN_LIMIT * 1.01))
                .isGreaterThanOrEqualTo((long) (TOKEN_LIMIT * 0.99));
        assertThat(served("tokens-model")).as("provider calls").isEqualTo((int) admitted);
        assertThat(perNode(outcomes, 200).keySet()).hasSize(3);
    }

    @Test
    @Order(3)
    void aBudgetHoldsForTheWholeClusterUpToTheCallsInFlight() throws Exception {
        awayFromTheEndOfTheDay();
        int concurrency = 8;
        List<Outcome> outcomes = fire(concurrency, 1500, () -> chat("/budget/v1/chat/completions"));

        Map<Integer, Long> byStatus = countByStatus(outcomes);
        long admitted = byStatus.getOrDefault(200, 0L);
        long spent = admitted * CALL_MICROS;
        long counter = budgetCounter();
        System.out.printf("[cluster] budget %d micro-USD/day (%d per call), 1500 calls at c=%d: %s; spent %d micro-USD "
                        + "(%+.2f%% of the budget), shared counter %d; admitted per node %s%n", BUDGET_MICROS, CALL_MICROS,
                concurrency, byStatus, spent, 100.0 * (spent - BUDGET_MICROS) / BUDGET_MICROS, counter, perNode(outcomes, 200));
        assertThat(byStatus.keySet()).containsOnly(200, 429);
        assertThat(served("budget-model")).isEqualTo((int) admitted);
        assertThat(counter).as("the Redis counter holds every node's spend").isEqualTo(spent);
        // A budget is checked at admission and charged at completion: calls already admitted when
        // the counter reaches the amount still complete (documented). So the bound is the calls in flight.
        assertThat(spent).as("spend is within the calls in flight of the budget")
                .isGreaterThanOrEqualTo(BUDGET_MICROS)
                .isLessThanOrEqualTo(BUDGET_MICROS + concurrency * CALL_MICROS)
                .isLessThanOrEqualTo((long) (BUDGET_MICROS * 1.01));
        assertThat(perNode(outcomes, 200).keySet()).hasSize(3);
    }

    @Test
    @Order(4)
    void anMcpSessionOpenedOnOneNodeContinuesOnEveryNode() throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        HttpResponse<String> init = mcpPost(a.uri("/mcp"), null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"cluster-it","version":"1"}}}""");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(rpcMessage(init).path("result").path("serverInfo").path("name").asText()).isEqualTo("portcullis");
        assertThat(LocalRedis.keys(prefix).stream().filter(k -> k.contains("mcp:session:"))).as("the session lives in Redis").hasSize(1);

        assertThat(mcpPost(b.uri("/mcp"), session, """
                {"jsonrpc":"2.0","method":"notifications/initialized"}""").statusCode()).isEqualTo(202);
        HttpResponse<String> list = mcpPost(c.uri("/mcp"), session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(rpcMessage(list).path("result").path("tools").get(0).path("name").asText()).isEqualTo("echo");
        assertThat(callEcho(b.uri("/mcp"), session, 3, "on b")).isEqualTo("echo: on b");
        assertThat(callEcho(c.uri("/mcp"), session, 4, "on c")).isEqualTo("echo: on c");
        for (int i = 0; i < 3; i++) {
            assertThat(callEcho(viaNginx("/mcp"), session, 5 + i, "via nginx " + i)).isEqualTo("echo: via nginx " + i);
        }
        // the upstream's own session: opened once (by node a), then named by b, c and whichever nginx chose
        List<String> upstreamSessions = mcp.seen().stream().filter(s -> s.method().equals("POST") && s.sessionId() != null)
                .map(EchoMcpServer.Seen::sessionId).distinct().toList();
        assertThat(upstreamSessions).hasSize(1);

        // ending it on one node ends it everywhere
        HttpResponse<String> deleted = CLIENT.send(HttpRequest.newBuilder(c.uri("/mcp")).DELETE()
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isBetween(200, 204);
        HttpResponse<String> gone = mcpPost(a.uri("/mcp"), session, """
                {"jsonrpc":"2.0","id":9,"method":"tools/list"}""");
        assertThat(gone.statusCode()).isEqualTo(404);

        // the official SDK client through nginx: its requests land round-robin on all three nodes
        int before = nginx.accessLog().size();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + nginx.port()).endpoint("/mcp").build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build()) {
            assertThat(client.initialize().serverInfo().name()).isEqualTo("portcullis");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
            for (int i = 0; i < 6; i++) {
                McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "sdk " + i)));
                assertThat(((McpSchema.TextContent) r.content().get(0)).text()).isEqualTo("echo: sdk " + i);
            }
        }
        List<String> log = nginx.accessLog(); // read once: nginx keeps appending (the SDK's GET stream ends at close)
        List<String> sdkPosts = log.subList(before, log.size()).stream()
                .filter(l -> l.startsWith("POST /mcp 200")).toList();
        Set<String> landedOn = sdkPosts.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).collect(Collectors.toSet());
        System.out.printf("[cluster] MCP: SDK client's %d POSTs through nginx landed on %s%n", sdkPosts.size(), landedOn);
        assertThat(landedOn).as("nodes that served the SDK client's session").hasSize(3);
    }

    @Test
    @Order(5)
    void killingANodeUnderLoadCostsOnlyItsInFlightRequests() throws Exception {
        int concurrency = 24;
        Node victim = nodes.get(1);
        String victimAddr = "127.0.0.1:" + victim.port;
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger inFlightOnVictim = new AtomicInteger(-1);
        Thread killer = Thread.ofVirtual().start(() -> {
            sleep(2500);
            inFlightOnVictim.set(steadyInFlight.computeIfAbsent("b", k -> new AtomicInteger()).get());
            killedAt.set(System.nanoTime());
            victim.process.destroyForcibly(); // SIGKILL: no drain, connections reset
        });
        List<Outcome> outcomes = during(concurrency, Duration.ofSeconds(7), () -> HttpRequest.newBuilder(viaNginx("/steady/work"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"work\":1}")).header("Content-Type", "application/json").build());
        killer.join();
        assertThat(victim.process.waitFor(5, TimeUnit.SECONDS)).isTrue();

        long kill = killedAt.get();
        List<Outcome> failed = outcomes.stream().filter(o -> o.status != 200).toList();
        List<Outcome> okBefore = outcomes.stream().filter(o -> o.status == 200 && o.at < kill).toList();
        List<Outcome> okAfter = outcomes.stream().filter(o -> o.status == 200 && o.at > kill).toList();
        long end = outcomes.stream().mapToLong(o -> o.at).max().orElseThrow();
        System.out.printf("[cluster] kill -9 of node b (%s) at c=%d: %d requests, %d failed %s (upstream had %d of b's in flight), "
                        + "%d ok before, %d ok after; after the kill served by %s%n", victimAddr, concurrency, outcomes.size(), failed.size(),
                countByStatus(failed), inFlightOnVictim.get(), okBefore.size(), okAfter.size(), perNode(okAfter, 200));

        assertThat(okBefore).isNotEmpty();
        assertThat(perNode(okBefore, 200).keySet()).contains(victimAddr);
        assertThat(failed.size()).as("failures are bounded by the requests that can have been in flight on the node")
                .isLessThanOrEqualTo(concurrency);
        assertThat(failed).as("every failure was on the killed node: %s", failed)
                .allSatisfy(o -> assertThat(o.upstream).contains(victimAddr));
        // traffic goes on: the two others serve everything from the kill on, up to the end of the run
        // (a response the node sent just before it died may still arrive a moment after the kill)
        assertThat(okAfter.size()).isGreaterThan(okBefore.size() / 2);
        assertThat(okAfter.stream().filter(o -> o.at > kill + TimeUnit.MILLISECONDS.toNanos(200))
                .map(o -> lastHop(o.upstream)).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("127.0.0.1:" + nodes.get(0).port, "127.0.0.1:" + nodes.get(2).port);
        assertThat(okAfter.stream().filter(o -> o.at > end - TimeUnit.SECONDS.toNanos(1))).as("served in the run's last second").isNotEmpty();
        assertThat(outcomes.stream().filter(o -> o.at > kill + TimeUnit.MILLISECONDS.toNanos(500) && o.status != 200))
                .as("no failure once nginx has seen the node gone").isEmpty();
    }

    // --- traffic ---------------------------------------------------------------------------------

    /** One response: status (-1: no HTTP answer), the nodes nginx tried ({@code X-Upstream}), when it ended. */
    record Outcome(int status, String upstream, long at) {}

    static Outcome send(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(r.statusCode(), r.headers().firstValue("X-Upstream").orElse(""), System.nanoTime());
        } catch (IOException e) {
            return new Outcome(-1, "", System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "", System.nanoTime());
        }
    }

    /** {@code total} requests from {@code concurrency} clients, each sending its next as soon as one is answered. */
    static List<Outcome> fire(int concurrency, int total, Supplier<HttpRequest> request) {
        AtomicInteger tickets = new AtomicInteger(total);
        ConcurrentLinkedQueue<Outcome> out = new ConcurrentLinkedQueue<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                clients.submit(() -> {
                    while (tickets.getAndDecrement() > 0) {
                        out.add(send(request.get()));
                    }
                });
            }
        }
        return List.copyOf(out);
    }

    /** {@code concurrency} clients sending back to back for {@code duration}. */
    static List<Outcome> during(int concurrency, Duration duration, Supplier<HttpRequest> request) {
        long deadline = System.nanoTime() + duration.toNanos();
        ConcurrentLinkedQueue<Outcome> out = new ConcurrentLinkedQueue<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                clients.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        out.add(send(request.get()));
                    }
                });
            }
        }
        return List.copyOf(out);
    }

    static HttpRequest chat(String path) {
        String body = "{\"model\":\"chat\",\"max_tokens\":" + MAX_TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Is order 4711 shipped?\"}]}";
        return HttpRequest.newBuilder(viaNginx(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static Map<Integer, Long> countByStatus(List<Outcome> outcomes) {
        return outcomes.stream().collect(Collectors.groupingBy(o -> o.status, TreeMap::new, Collectors.counting()));
    }

    /** Responses with {@code status} per node that finally answered them. */
    static Map<String, Long> perNode(List<Outcome> outcomes, int status) {
        return outcomes.stream().filter(o -> o.status == status)
                .collect(Collectors.groupingBy(o -> lastHop(o.upstream), TreeMap::new, Collectors.counting()));
    }

    static String lastHop(String upstreams) {
        String[] hops = upstreams.split(",\\s*");
        return hops[hops.length - 1].trim();
    }

    static URI viaNginx(String path) {
        return URI.create("http://127.0.0.1:" + nginx.port() + path);
    }

    /** Daily windows: keep a burst from straddling midnight UTC, when counters start again. */
    static void awayFromTheEndOfTheDay() {
        long left = TimeUnit.DAYS.toMillis(1) - System.currentTimeMillis() % TimeUnit.DAYS.toMillis(1);
        if (left < 30_000) {
            sleep(left + 1000);
        }
    }

    /** The budget's counter in Redis, in micro-USD. */
    static long budgetCounter() throws IOException {
        List<String> keys = LocalRedis.keys(prefix).stream().filter(k -> k.contains("budget")).toList();
        assertThat(keys).as("budget keys under %s: %s", prefix, LocalRedis.keys(prefix)).hasSize(1);
        return Long.parseLong((String) LocalRedis.command("GET", keys.get(0)));
    }

    static int served(String model) {
        return chatServed.getOrDefault(model, new AtomicInteger()).get();
    }

    // --- MCP over raw HTTP -------------------------------------------------------------------------

    static HttpResponse<String> mcpPost(URI uri, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC response in a JSON body or in an event stream's data lines. */
    static JsonNode rpcMessage(HttpResponse<String> r) throws IOException {
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) {
            return JSON.readTree(r.body());
        }
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:")) {
                JsonNode m = JSON.readTree(line.substring(5).trim());
                if (m.has("result") || m.has("error")) {
                    return m;
                }
            }
        }
        throw new AssertionError("no JSON-RPC response in the stream: " + r.body());
    }

    static String callEcho(URI uri, String session, int id, String text) throws Exception {
        HttpResponse<String> r = mcpPost(uri, session, """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"%s"}}}"""
                .formatted(id, text));
        assertThat(r.statusCode()).as("tools/call on %s: %s", uri, r.body()).isEqualTo(200);
        return rpcMessage(r).path("result").path("content").get(0).path("text").asText();
    }

    // --- upstreams ---------------------------------------------------------------------------------

    /**
     * The API upstream ({@code /limited}, {@code /steady}: 40 ms of work, counted in flight per
     * gateway node) and a mock OpenAI-compatible provider ({@code /v1/chat/completions}) that answers
     * every call with {@value #PROMPT_TOKENS} input tokens and as many output tokens as allowed.
     */
    static HttpServer startUpstream() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/limited", ex -> {
            limitedServed.incrementAndGet();
            respond(ex, "text/plain", "limited ok");
        });
        s.createContext("/steady", ex -> {
            AtomicInteger inFlight = steadyInFlight.computeIfAbsent(String.valueOf(ex.getRequestHeaders().getFirst("X-Node")),
                    k -> new AtomicInteger());
            inFlight.incrementAndGet();
            try {
                ex.getRequestBody().readAllBytes();
                sleep(40);
                respond(ex, "text/plain", "steady ok");
            } finally {
                inFlight.decrementAndGet();
            }
        });
        s.createContext("/v1/chat/completions", ex -> {
            JsonNode req = JSON.readTree(ex.getRequestBody());
            String model = req.path("model").asText();
            int max = req.path("max_tokens").asInt(req.path("max_completion_tokens").asInt(MAX_TOKENS));
            chatServed.computeIfAbsent(model, k -> new AtomicInteger()).incrementAndGet();
            respond(ex, "application/json", """
                    {"id":"chatcmpl-cluster","object":"chat.completion","created":1764000000,"model":"%s",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"Shipped yesterday."},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                    .formatted(model, PROMPT_TOKENS, max, PROMPT_TOKENS + max));
        });
        s.start();
        return s;
    }

    static void respond(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- nodes -------------------------------------------------------------------------------------

    /** One gateway node: {@code bin/portcullis run} with its name and ports in the environment. */
    static final class Node {
        final String name;
        final int port;
        final int adminPort;
        final Path log;
        Process process;

        Node(String name, int port, int adminPort, Path log) {
            this.name = name;
            this.port = port;
            this.adminPort = adminPort;
            this.log = log;
        }

        void start(Path config) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/portcullis").toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", System.getProperty("java.home"));
            // three JVMs share two cores here: a small heap, and C1 only, which warms up in seconds
            env.put("JAVA_OPTS", "-Xms64m -Xmx256m -XX:TieredStopAtLevel=1");
            env.put("NODE", name);
            env.put("NODE_PORT", String.valueOf(port));
            env.put("NODE_ADMIN_PORT", String.valueOf(adminPort));
            process = pb.start();
        }

        void awaitReady() throws Exception {
            dev.portcullis.distribution.Launches.awaitReady("node " + name, process,
                    URI.create("http://127.0.0.1:" + adminPort + "/ready"), Duration.ofSeconds(45), this::logText);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String logText() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void stop() {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return name + Arrays.asList(port, adminPort);
        }
    }
}
