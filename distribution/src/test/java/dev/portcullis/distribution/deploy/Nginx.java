package dev.portcullis.distribution.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx as the cluster's load balancer: a child process (one worker, {@code daemon off}) with a
 * generated config in its own folder, round-robin over the gateway nodes. A failed connection or a
 * timeout moves a request to the next node (nginx never replays a request it already sent unless it
 * is idempotent); one failure takes a node out for {@code fail_timeout}. Every response names the
 * node(s) that handled it in {@code X-Upstream}, and the access log records the same per request.
 */
final class Nginx implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;

    private Nginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** The nginx binary, or a failed test saying how to install it. */
    static Path binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(":")) {
            Path p = Path.of(d, "nginx");
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("The cluster test puts nginx in front of the gateway nodes, and no nginx was found. "
                + "Install it: sudo apt-get install -y nginx");
    }

    /** Starts nginx on a free loopback port in front of {@code nodePorts}. */
    static Nginx start(Path dir, List<Integer> nodePorts) throws IOException, InterruptedException {
        Path nginx = binary();
        Files.createDirectories(dir);
        int port = Unpacked.freePort();
        String servers = nodePorts.stream()
                .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String conf = """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  log_format cluster '$request_method $uri $status $upstream_addr';
                  access_log %1$s/access.log cluster;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream portcullis {
                %2$s
                    keepalive 64;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://portcullis;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_request_buffering off;
                      proxy_connect_timeout 1s;
                      proxy_read_timeout 30s;
                      proxy_next_upstream error timeout;
                      proxy_next_upstream_tries 3;
                      add_header X-Upstream $upstream_addr always;
                    }
                  }
                }
                """.formatted(dir, servers, port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(nginx.toString(), "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx started = new Nginx(dir, p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("nginx exited with " + p.exitValue() + ": " + started.errorLog());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return started;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        started.close();
        return fail("nginx did not listen on " + port + " within 10s: " + started.errorLog());
    }

    int port() {
        return port;
    }

    /** The access log: one {@code METHOD URI STATUS UPSTREAM_ADDR[, NEXT...]} line per request. */
    List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    String errorLog() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no error log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
