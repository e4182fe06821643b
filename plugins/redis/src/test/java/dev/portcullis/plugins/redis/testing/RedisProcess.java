package dev.portcullis.plugins.redis.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} on a free loopback port, started by a test so that it can be
 * killed, frozen and restarted to play an outage. Nothing is persisted.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    /** Starts a server on a free port. */
    public static RedisProcess start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisProcess r = new RedisProcess(port);
        r.startAgain();
        return r;
    }

    /** The server's port. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again) on the same port and waits until it answers PING. */
    public void startAgain() throws IOException, InterruptedException {
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot run redis-server (install Redis, e.g. apt-get install redis-server): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!RedisTestSupport.answersPing("127.0.0.1", port)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw new IOException("redis-server did not come up on port " + port);
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server abruptly (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Thaws a frozen server (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + name + " failed with " + rc);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                thaw();
            } catch (IOException ignored) {
                // it is being killed anyway
            }
            kill();
        }
    }
}
