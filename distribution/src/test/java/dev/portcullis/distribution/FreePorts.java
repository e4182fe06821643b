package dev.portcullis.distribution;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for gateway processes the tests start. Not the kernel's "bind port 0, close, hand the
 * number on": that number comes from the ephemeral range, and before the child process binds it an
 * outgoing connection (a node's Redis client, say) may take it as its source port — one CI run
 * lost a node to "Address already in use" that way. These come from below the ephemeral range,
 * which outgoing connections never use, and are checked free when handed out.
 */
public final class FreePorts {

    private static final int LOW = 20_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A port free now on loopback, outside the ephemeral range. */
    public static int next() {
        int high = ephemeralStart();
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, high);
            if (!HANDED_OUT.add(port)) {
                continue; // free, but already promised to another process of this test run
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between " + LOW + " and " + high);
    }

    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOW + 1000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default start
        }
    }
}
