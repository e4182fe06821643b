import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's traffic and its measurements, run as a single-file program with the distribution's
 * libraries on the class path ({@code java -cp "DIST/lib/*" SoakDriver.java ...}; see run-soak.sh).
 *
 * <pre>
 * mcp-mock PORT         a stateless MCP server (Streamable HTTP, JSON answers): initialize,
 *                       notifications, tools/list and an echo tool, on 127.0.0.1:PORT/mcp
 * load --url URL --key KEY --pid PID --minutes N --warmup W --rate R --concurrency C --out FILE
 *                       paced mixed traffic (API GET, LLM chat, LLM stream, MCP tools/call with
 *                       session churn) for N minutes; after each minute: a full GC in the gateway
 *                       (jcmd GC.run) then its heap in use, open file descriptors and OS threads;
 *                       per minute the latency percentiles. Prints the table and a verdict.
 * </pre>
 *
 * Latency is measured from each request's scheduled start, not from when it was sent, so a stall
 * counts for every request it delayed (no coordinated omission).
 */
public class SoakDriver {

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("mcp-mock")) {
            mcpMock(Integer.parseInt(args[1]));
        } else if (args.length > 0 && args[0].equals("load")) {
            System.exit(new Load(options(Arrays.copyOfRange(args, 1, args.length))).run());
        } else {
            System.err.println("usage: SoakDriver mcp-mock PORT | load --url URL --key KEY --pid PID --minutes N --warmup W "
                    + "--rate R --concurrency C --out FILE");
            System.exit(2);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return o;
    }

    // --- the MCP upstream --------------------------------------------------------------------------

    static void mcpMock(int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/mcp", SoakDriver::answerMcp);
        server.start();
        new CountDownLatch(1).await();
    }

    static void answerMcp(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.sendResponseHeaders(ex.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
                return;
            }
            JsonNode msg = JSON.readTree(ex.getRequestBody());
            if (!msg.has("id")) { // a notification
                ex.sendResponseHeaders(202, -1);
                return;
            }
            ObjectNode out = JSON.createObjectNode().put("jsonrpc", "2.0").set("id", msg.get("id"));
            ObjectNode result = out.putObject("result");
            switch (msg.path("method").asText()) {
                case "initialize" -> {
                    result.put("protocolVersion", msg.path("params").path("protocolVersion").asText("2025-06-18"));
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "soak-mock").put("version", "1");
                }
                case "tools/list" -> {
                    ObjectNode tool = result.putArray("tools").addObject().put("name", "echo").put("description", "Echoes its text");
                    tool.putObject("inputSchema").put("type", "object").putObject("properties").putObject("text").put("type", "string");
                }
                case "tools/call" -> result.putArray("content").addObject().put("type", "text")
                        .put("text", "echo: " + msg.path("params").path("arguments").path("text").asText());
                case "ping" -> { }
                default -> {
                    out.remove("result");
                    out.putObject("error").put("code", -32601).put("message", "method not found");
                }
            }
            byte[] body = JSON.writeValueAsBytes(out);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    // --- the load and the samples ------------------------------------------------------------------

    enum Op { API, LLM, STREAM, MCP }

    /** What happened in one minute of the run. */
    static final class Minute {
        final Map<Op, List<Long>> latencies = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        final AtomicLong excluded = new AtomicLong();
        /** Latencies of the control: the API mock straight, no gateway (the machine's own noise). */
        final List<Long> control = new ArrayList<>();
        volatile long heapUsedKiB = -1;
        volatile long heapCommittedKiB = -1;
        volatile int fds = -1;
        volatile int threads = -1;
        volatile long rssKiB = -1;
        volatile double gcMaxPauseMs = -1;
        volatile double load1 = -1;

        void record(Op op, long micros) {
            List<Long> l = latencies.computeIfAbsent(op, k -> new ArrayList<>());
            synchronized (l) {
                l.add(micros);
            }
        }

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        long[] all() {
            List<Long> all = new ArrayList<>();
            latencies.values().forEach(l -> {
                synchronized (l) {
                    all.addAll(l);
                }
            });
            return all.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        long[] of(Op op) {
            List<Long> l = latencies.getOrDefault(op, List.of());
            synchronized (l) {
                return l.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }

        long[] control() {
            synchronized (control) {
                return control.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }

        long errorCount() {
            return errors.values().stream().mapToLong(AtomicLong::get).sum();
        }
    }

    static final class Load {
        final String url;
        final String key;
        final long pid;
        final int minutes;
        final int warmup;
        final double rate;
        final int concurrency;
        final Path out;
        final String jcmd;
        final Path gcLog;
        final String controlUrl;
        long gcLogOffset;
        final Minute[] perMinute;
        /**
         * The measurement's own disturbance: from just before the forced full GC (and the jcmd JVM
         * that asks for it) to 2 s after it. Requests whose life overlaps it are counted, and their
         * errors too, but left out of the latency percentiles: the gateway did not cause the pause.
         */
        volatile long blackoutStart = Long.MAX_VALUE;
        volatile long blackoutEnd = Long.MAX_VALUE;
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final int[] weights;
        final String chatBody = "{\"model\":\"chat\",\"max_tokens\":64,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"Is the renewal of order 48213 charged twice? Answer in one sentence.\"}]}";
        final String streamBody = chatBody.replace("\"model\":\"chat\"", "\"model\":\"stream\"").replaceFirst("\\}$", ",\"stream\":true}");

        Load(Map<String, String> o) {
            url = o.get("url");
            key = o.get("key");
            pid = Long.parseLong(o.get("pid"));
            minutes = Integer.parseInt(o.getOrDefault("minutes", "10"));
            warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
            rate = Double.parseDouble(o.getOrDefault("rate", "400"));
            concurrency = Integer.parseInt(o.getOrDefault("concurrency", "32"));
            out = Path.of(o.getOrDefault("out", "soak.txt"));
            jcmd = o.getOrDefault("jcmd", "jcmd");
            gcLog = o.containsKey("gclog") ? Path.of(o.get("gclog")) : null;
            controlUrl = o.get("control");
            String[] mix = o.getOrDefault("mix", "40,20,10,30").split(",");
            weights = Arrays.stream(mix).mapToInt(Integer::parseInt).toArray();
            perMinute = new Minute[minutes];
            for (int i = 0; i < minutes; i++) {
                perMinute[i] = new Minute();
            }
        }

        /** Runs the soak; 0 PASS, 1 FAIL, 3 inconclusive (nothing failed, but the machine's latency drifted). */
        int run() throws Exception {
            long start = System.nanoTime();
            long end = start + TimeUnit.MINUTES.toNanos(minutes);
            long interval = (long) (concurrency * 1e9 / rate);
            Thread sampler = Thread.ofPlatform().name("sampler").start(() -> sample(start));
            Thread control = controlUrl == null ? null : Thread.ofVirtual().start(() -> control(start, end));
            try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < concurrency; w++) {
                    long first = start + w * interval / concurrency;
                    workers.submit(() -> work(first, interval, end, start));
                }
            }
            sampler.join();
            if (control != null) {
                control.join();
            }
            return report();
        }

        void work(long first, long interval, long end, long start) {
            McpSession mcp = new McpSession();
            long next = first;
            while (next < end) {
                long now = System.nanoTime();
                if (next > now) {
                    sleepNanos(next - now);
                } else if (now - next > TimeUnit.SECONDS.toNanos(5)) {
                    next = now; // hopelessly behind (a long stall): start the schedule again
                }
                Op op = pick();
                int minute = (int) ((next - start) / TimeUnit.MINUTES.toNanos(1));
                Minute m = perMinute[Math.min(minute, minutes - 1)];
                try {
                    String failure = switch (op) {
                        case API -> expect(send(get("/api/items/48213")), 200);
                        case LLM -> expect(send(post("/v1/chat/completions", chatBody)), 200);
                        case STREAM -> {
                            HttpResponse<String> r = send(post("/v1/chat/completions", streamBody));
                            String f = expect(r, 200);
                            yield f != null ? f : r.body().contains("data: [DONE]") ? null : "stream-incomplete";
                        }
                        case MCP -> mcp.call(this);
                    };
                    long done = System.nanoTime();
                    if (failure == null && blackoutStart <= done && next <= blackoutEnd) {
                        m.excluded.incrementAndGet();
                    } else if (failure == null) {
                        m.record(op, (done - next) / 1000);
                    } else {
                        m.error(op.name().toLowerCase(Locale.ROOT) + ":" + failure);
                    }
                } catch (IOException e) {
                    m.error(op.name().toLowerCase(Locale.ROOT) + ":" + e.getClass().getSimpleName());
                } catch (InterruptedException e) {
                    return;
                }
                next += interval;
            }
            mcp.close(this);
        }

        /**
         * 20 requests/s straight to an upstream mock, paced and timed like the gateway's traffic: when
         * its p99 jumps too, the machine (or this driver) stalled, not the gateway.
         */
        void control(long start, long end) {
            long interval = TimeUnit.MILLISECONDS.toNanos(50);
            HttpRequest request = HttpRequest.newBuilder(URI.create(controlUrl)).timeout(Duration.ofSeconds(30)).build();
            for (long next = start; next < end; next += interval) {
                sleepNanos(next - System.nanoTime());
                Minute m = perMinute[(int) Math.min(minutes - 1, (next - start) / TimeUnit.MINUTES.toNanos(1))];
                try {
                    if (send(request).statusCode() == 200) {
                        long done = System.nanoTime();
                        if (!(blackoutStart <= done && next <= blackoutEnd)) {
                            synchronized (m.control) {
                                m.control.add((done - next) / 1000);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the control only measures; its failures are not the gateway's
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Op pick() {
            int total = Arrays.stream(weights).sum();
            int r = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                if ((r -= weights[i]) < 0) {
                    return Op.values()[i];
                }
            }
            return Op.API;
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).header("X-API-Key", key);
        }

        HttpRequest get(String path) {
            return request(path).GET().build();
        }

        HttpRequest post(String path, String body) {
            return request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
            return client.send(r, HttpResponse.BodyHandlers.ofString());
        }

        static String expect(HttpResponse<String> r, int status) {
            return r.statusCode() == status ? null : String.valueOf(r.statusCode());
        }

        /** After each minute: full GC, then heap in use, file descriptors and threads of the gateway. */
        void sample(long start) {
            for (int m = 0; m < minutes; m++) {
                sleepNanos(start + TimeUnit.MINUTES.toNanos(m + 1) - System.nanoTime());
                Minute minute = perMinute[m];
                try {
                    minute.gcMaxPauseMs = maxGcPauseSinceLastLook();
                    minute.load1 = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                    blackoutEnd = Long.MAX_VALUE;
                    blackoutStart = System.nanoTime();
                    jcmd("GC.run");
                    blackoutEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    String info = jcmd("GC.heap_info");
                    Matcher h = Pattern.compile("total (?:reserved \\d+K, committed )?(\\d+)K, used (\\d+)K").matcher(info);
                    if (h.find()) {
                        minute.heapCommittedKiB = Long.parseLong(h.group(1));
                        minute.heapUsedKiB = Long.parseLong(h.group(2));
                    }
                    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                        minute.fds = (int) fds.count();
                    }
                    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                        if (line.startsWith("Threads:")) {
                            minute.threads = Integer.parseInt(line.substring(8).trim());
                        } else if (line.startsWith("VmRSS:")) {
                            minute.rssKiB = Long.parseLong(line.substring(6).replace("kB", "").trim());
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    System.err.println("sampling minute " + (m + 1) + " failed: " + e);
                }
                sleepNanos(TimeUnit.SECONDS.toNanos(2)); // late answers of the minute
                System.err.println(row(m));
            }
        }

        static final Pattern PAUSE = Pattern.compile("Pause .* (\\d+(?:\\.\\d+)?)ms$");

        /** The longest GC pause logged since the last call, other than the forced full GCs. */
        double maxGcPauseSinceLastLook() throws IOException {
            if (gcLog == null || !Files.exists(gcLog)) {
                return -1;
            }
            byte[] all = Files.readAllBytes(gcLog);
            String fresh = new String(all, (int) Math.min(gcLogOffset, all.length), (int) Math.max(0, all.length - gcLogOffset),
                    StandardCharsets.UTF_8);
            gcLogOffset = all.length;
            double max = 0;
            for (String line : fresh.split("\n")) {
                Matcher m = PAUSE.matcher(line.trim());
                if (!line.contains("Pause Full") && m.find()) {
                    max = Math.max(max, Double.parseDouble(m.group(1)));
                }
            }
            return max;
        }

        String jcmd(String command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + command + " failed: " + text);
            }
            return text;
        }

        static String header() {
            return String.format("%-4s %-7s %8s %6s %6s %6s %8s %8s %8s %8s %9s %9s %9s %9s %8s %8s %8s %8s %7s %5s %7s %6s",
                    "min", "phase", "requests", "rps", "errors", "gc_exc", "p50_ms", "p99_ms", "p999_ms", "max_ms",
                    "api_p99", "llm_p99", "strm_p99", "mcp_p99", "ctl_p99", "gc_ms", "heap_MiB", "comm_MiB", "rss_MiB", "fds", "threads", "load1");
        }

        String row(int m) {
            Minute x = perMinute[m];
            long[] all = x.all();
            long requests = all.length + x.errorCount() + x.excluded.get();
            return String.format(Locale.ROOT, "%-4d %-7s %8d %6.0f %6d %6d %8s %8s %8s %8s %9s %9s %9s %9s %8s %8.1f %8.1f %8.1f %7.0f %5d %7d %6.2f",
                    m + 1, m < warmup ? "warm-up" : "measure", requests, requests / 60.0,
                    x.errorCount(), x.excluded.get(), ms(pct(all, 0.50)), ms(pct(all, 0.99)), ms(pct(all, 0.999)), ms(all.length == 0 ? -1 : all[all.length - 1]),
                    ms(pct(x.of(Op.API), 0.99)), ms(pct(x.of(Op.LLM), 0.99)), ms(pct(x.of(Op.STREAM), 0.99)), ms(pct(x.of(Op.MCP), 0.99)), ms(pct(x.control(), 0.99)),
                    x.gcMaxPauseMs, x.heapUsedKiB / 1024.0, x.heapCommittedKiB / 1024.0, x.rssKiB / 1024.0, x.fds, x.threads, x.load1);
        }

        static long pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return -1;
            }
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }

        static String ms(long micros) {
            return micros < 0 ? "-" : String.format(Locale.ROOT, "%.2f", micros / 1000.0);
        }

        /** The table and the verdict over the minutes after warm-up. */
        int report() throws IOException {
            List<String> lines = new ArrayList<>();
            lines.add(header());
            for (int m = 0; m < minutes; m++) {
                lines.add(row(m));
            }
            lines.add("");
            for (int m = 0; m < minutes; m++) {
                if (perMinute[m].errorCount() > 0) {
                    Map<String, Long> kinds = new TreeMap<>();
                    perMinute[m].errors.forEach((k, v) -> kinds.put(k, v.get()));
                    lines.add("errors in minute " + (m + 1) + (m < warmup ? " (warm-up)" : "") + ": " + kinds);
                }
            }
            List<Minute> measured = Arrays.asList(perMinute).subList(Math.min(warmup, minutes), minutes);
            List<String> verdict = new ArrayList<>();
            boolean pass = !measured.isEmpty();
            boolean inconclusive = false;
            if (measured.size() < 3) {
                verdict.add("FAIL too short: " + measured.size() + " measured minutes after " + warmup + " of warm-up (need 3)");
                pass = false;
            } else {
                pass &= check(verdict, "heap after full GC", measured.stream().mapToDouble(x -> x.heapUsedKiB / 1024.0).toArray(), "MiB", 0.10, 4);
                pass &= check(verdict, "open file descriptors", measured.stream().mapToDouble(x -> x.fds).toArray(), "", 0.0, 8);
                pass &= check(verdict, "OS threads", measured.stream().mapToDouble(x -> x.threads).toArray(), "", 0.0, 4);
                double[] p99 = measured.stream().mapToDouble(x -> pct(x.all(), 0.99) / 1000.0).toArray();
                double median = median(p99);
                double[] ctl = measured.stream().mapToDouble(x -> pct(x.control(), 0.99) / 1000.0).toArray();
                double ctlMedian = median(ctl);
                // A rising p99 is the gateway's drift only if the control (no gateway) did not rise too.
                List<String> trend = new ArrayList<>();
                if (!check(trend, "p99", p99, " ms", 0.5, 2)) {
                    if (controlUrl != null && !check(new ArrayList<>(), "control p99", ctl, " ms", 0.5, 2)) {
                        trend.set(0, trend.get(0).replaceFirst("^FAIL", "INCONCLUSIVE") + String.format(Locale.ROOT,
                                "; the control rose too (first %.1f ms, last %.1f ms): the machine drifted", ctl[0], ctl[ctl.length - 1]));
                        inconclusive = true;
                    } else {
                        pass = false;
                    }
                }
                verdict.addAll(trend);
                // A minute whose p99 jumps is the gateway's doing only if the control did not jump with it.
                List<String> spikes = new ArrayList<>();
                List<String> unexplained = new ArrayList<>();
                for (int i = 0; i < p99.length; i++) {
                    if (p99[i] > Math.max(2 * median, median + 2)) {
                        String minute = String.valueOf(warmup + i + 1);
                        spikes.add(minute);
                        if (controlUrl == null || !(ctl[i] > Math.max(2 * ctlMedian, ctlMedian + 2))) {
                            unexplained.add(minute);
                        }
                    }
                }
                boolean stable = unexplained.isEmpty();
                verdict.add(String.format(Locale.ROOT, "%s p99 spikes: median minute %.2f ms (control %.2f ms); minutes above max(2x median, "
                                + "median + 2 ms): %s, of which the control did not spike too: %s",
                        stable ? "PASS" : "FAIL", median, ctlMedian, spikes, unexplained));
                pass &= stable;
                long errors = measured.stream().mapToLong(Minute::errorCount).sum();
                long total = measured.stream().mapToLong(x -> x.all().length + x.errorCount() + x.excluded.get()).sum();
                Map<String, Long> kinds = new TreeMap<>();
                measured.forEach(x -> x.errors.forEach((k, v) -> kinds.merge(k, v.get(), Long::sum)));
                boolean clean = errors <= total / 10_000;
                verdict.add(String.format(Locale.ROOT, "%s errors: %d of %d requests %s (allowed: 0.01%%)", clean ? "PASS" : "FAIL", errors, total, kinds));
                pass &= clean;
            }
            verdict.add(!pass ? "VERDICT: FAIL" : inconclusive ? "VERDICT: INCONCLUSIVE (no failure; p99 drift cannot be told from the machine's)"
                    : "VERDICT: PASS");
            lines.addAll(verdict);
            Files.write(out, lines);
            lines.forEach(System.out::println);
            return !pass ? 1 : inconclusive ? 3 : 0;
        }

        /**
         * Flat when the least-squares trend over the measured minutes, extrapolated over them, grows
         * less than {@code relative} of the first value plus {@code absolute}.
         */
        static boolean check(List<String> verdict, String what, double[] v, String unit, double relative, double absolute) {
            int n = v.length;
            double mx = (n - 1) / 2.0;
            double my = Arrays.stream(v).average().orElse(0);
            double num = 0;
            double den = 0;
            for (int i = 0; i < n; i++) {
                num += (i - mx) * (v[i] - my);
                den += (i - mx) * (i - mx);
            }
            double slope = den == 0 ? 0 : num / den;
            double growth = slope * (n - 1);
            double allowed = relative * v[0] + absolute;
            boolean flat = growth <= allowed;
            verdict.add(String.format(Locale.ROOT, "%s %s: first %.1f%s, last %.1f%s, min %.1f, max %.1f, trend %+.2f%s over %d minutes (allowed +%.1f)",
                    flat ? "PASS" : "FAIL", what, v[0], unit, v[n - 1], unit, Arrays.stream(v).min().orElse(0),
                    Arrays.stream(v).max().orElse(0), growth, unit, n, allowed));
            return flat;
        }

        static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }

    /**
     * One worker's MCP session through the gateway: opened on first use, ended (DELETE) and opened
     * anew every 50 calls, so sessions come and go all through the run.
     */
    static final class McpSession {
        String id;
        int calls;
        int nextId = 1;

        String call(Load load) throws IOException, InterruptedException {
            if (id == null || calls >= 50) {
                close(load);
                HttpResponse<String> init = load.send(rpc(load, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"soak\",\"version\":\"1\"}}}"));
                if (init.statusCode() != 200) {
                    return "initialize-" + init.statusCode();
                }
                id = init.headers().firstValue("Mcp-Session-Id").orElse(null);
                HttpResponse<String> ack = load.send(rpc(load, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
                if (ack.statusCode() != 202) {
                    return "initialized-" + ack.statusCode();
                }
                calls = 0;
            }
            calls++;
            HttpResponse<String> r = load.send(rpc(load, id, "{\"jsonrpc\":\"2.0\",\"id\":" + nextId++
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"soak\"}}}"));
            if (r.statusCode() != 200) {
                id = r.statusCode() == 404 ? null : id;
                return "call-" + r.statusCode();
            }
            return r.body().contains("echo: soak") ? null : "call-unexpected-body";
        }

        void close(Load load) {
            if (id == null) {
                return;
            }
            try {
                load.send(load.request("/mcp").header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-06-18").DELETE().build());
            } catch (IOException | InterruptedException e) {
                // the session expires anyway
            }
            id = null;
        }

        static HttpRequest rpc(Load load, String session, String body) {
            HttpRequest.Builder b = load.request("/mcp").header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
            }
            return b.build();
        }
    }

    static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
