package dev.portcullis.distribution.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Redis at 127.0.0.1:6379 the cluster shares, seen from the test: just enough RESP to
 * check it answers, list the keys the nodes wrote under the run's prefix, and remove them.
 */
final class LocalRedis {

    static final String URI = "redis://127.0.0.1:6379";

    private LocalRedis() {}

    /** Fails the test, saying how to start one, unless Redis answers at 127.0.0.1:6379. */
    static void require() {
        try {
            Object pong = command("PING");
            if (!"PONG".equals(pong)) {
                fail("Redis at 127.0.0.1:6379 answered PING with " + pong);
            }
        } catch (IOException e) {
            fail("The cluster test needs Redis at 127.0.0.1:6379 and nothing answers there (" + e.getMessage()
                    + "). Start one: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''");
        }
    }

    /** Keys under {@code prefix}. */
    static List<String> keys(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        for (Object k : (List<?>) command("KEYS", prefix + "*")) {
            out.add((String) k);
        }
        return out;
    }

    /** Deletes every key under {@code prefix}. */
    static void deleteKeys(String prefix) throws IOException {
        List<String> keys = keys(prefix);
        for (String k : keys) {
            command("DEL", k);
        }
    }

    /** Sends one command and reads its reply: a String, Long, List or null. */
    static Object command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                req.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(new BufferedInputStream(s.getInputStream()));
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("Redis error: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield null;
                }
                byte[] b = in.readNBytes(n + 2);
                yield new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                yield items;
            }
            default -> throw new IOException("unexpected RESP type " + type);
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read(); // '\n'
        return sb.toString();
    }
}
