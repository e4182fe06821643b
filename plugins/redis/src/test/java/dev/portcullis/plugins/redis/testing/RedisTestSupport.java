package dev.portcullis.plugins.redis.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The shared Redis at 127.0.0.1:6379 that tests use, and how to clean up after them. */
public final class RedisTestSupport {

    /** The Redis every test expects. */
    public static final String URI = "redis://127.0.0.1:6379";

    private RedisTestSupport() {}

    /** Fails the test, saying how to start one, unless Redis answers at 127.0.0.1:6379. */
    public static void requireLocalRedis() {
        if (!answersPing("127.0.0.1", 6379)) {
            fail("These tests need Redis at 127.0.0.1:6379, and nothing answers there. Start one with:\n"
                    + "    redis-server --daemonize yes --port 6379 --save ''");
        }
    }

    /** A key prefix no other test run uses. */
    public static String uniquePrefix(String test) {
        return "portcullis-test:" + test + ":" + UUID.randomUUID() + ":";
    }

    /** Deletes every key under {@code prefix} in the local Redis. */
    public static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(URI);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    /** Whether a Redis at host:port answers PING within half a second. */
    static boolean answersPing(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }
}
