import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Splits async-profiler CPU profiles (collapsed stacks, see async-profiler.sh) of proxies into a
 * few buckets and prints each bucket's share of the CPU time per request, side by side: system
 * calls by kind, the JDK's virtual-thread scheduler and poller, Helidon, Portcullis' own code,
 * a floor proxy's, the JIT and GC threads. Comparing a floor proxy with Portcullis this way
 * shows which layer an extra microsecond belongs to.
 *
 * <pre>java benchmarks/load/ProfileBuckets.java A.collapsed A_CPU_US_PER_REQUEST [B.collapsed B_CPU_US_PER_REQUEST ...]</pre>
 */
public final class ProfileBuckets {

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length % 2 != 0) {
            System.err.println("usage: java ProfileBuckets.java PROFILE.collapsed CPU_US_PER_REQUEST [PROFILE CPU_US ...]");
            System.exit(2);
        }
        int n = args.length / 2;
        Map<String, double[]> usPerRequest = new LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            Map<String, Long> samples = new LinkedHashMap<>();
            long total = 0;
            for (String line : Files.readAllLines(Path.of(args[2 * p]))) {
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                long count = Long.parseLong(line.substring(space + 1).trim());
                samples.merge(bucket(line.substring(0, space).split(";")), count, Long::sum);
                total += count;
            }
            double cpu = Double.parseDouble(args[2 * p + 1]);
            for (var e : samples.entrySet()) {
                usPerRequest.computeIfAbsent(e.getKey(), k -> new double[n])[p] = cpu * e.getValue() / total;
            }
        }
        StringBuilder head = new StringBuilder(String.format("%-36s", "µs per request"));
        for (int p = 0; p < n; p++) {
            head.append(String.format(" %12s", Path.of(args[2 * p]).getFileName().toString().replace(".collapsed", "")));
        }
        System.out.println(n == 2 ? head + "         diff" : head);
        for (String bucket : new TreeSet<>(usPerRequest.keySet())) {
            double[] v = usPerRequest.get(bucket);
            StringBuilder row = new StringBuilder(String.format("%-36s", bucket));
            for (double x : v) {
                row.append(String.format(" %12.2f", x));
            }
            System.out.println(n == 2 ? row + String.format(" %+12.2f", v[1] - v[0]) : row);
        }
    }

    /** The bucket of one stack, root first. */
    static String bucket(String[] frames) {
        boolean java = false;
        String kernel = null;
        String deepestOwn = null;
        boolean portcullis = false;
        boolean floor = false;
        boolean poller = false;
        boolean scheduler = false;
        for (String f : frames) {
            if (f.endsWith("_[k]")) {
                if (kernel == null || kernel.equals("other")) {
                    kernel = syscall(f, kernel);
                }
                continue;
            }
            if (f.indexOf('/') > 0 && !f.contains("::")) {
                java = true;
            }
            if (f.startsWith("dev/portcullis/") || f.startsWith("io/helidon/")) {
                deepestOwn = f;
                portcullis |= f.startsWith("dev/portcullis/");
            } else if (f.startsWith("Floor")) {
                floor = true;
            }
            poller |= f.startsWith("sun/nio/ch/Poller");
            scheduler |= f.startsWith("java/lang/VirtualThread") || f.startsWith("jdk/internal/vm/Continuation")
                    || f.startsWith("java/util/concurrent/ForkJoin");
        }
        if (kernel != null) {
            return "kernel: " + kernel;
        }
        if (!java) {
            return "JIT compiler, GC, VM threads";
        }
        if (floor) {
            return "floor proxy's handler";
        }
        if (deepestOwn != null) {
            return !portcullis ? "Helidon"
                    : deepestOwn.startsWith("io/helidon/") ? "Helidon, called by Portcullis" : "Portcullis";
        }
        return poller ? "JDK poller" : scheduler ? "virtual-thread scheduler" : "other Java";
    }

    private static String syscall(String frame, String sofar) {
        if (frame.contains("sys_write") || frame.contains("sys_sendto") || frame.contains("sys_writev")) {
            return "write";
        }
        if (frame.contains("sys_read") || frame.contains("sys_recvfrom")) {
            return "read";
        }
        if (frame.contains("epoll")) {
            return "epoll";
        }
        if (frame.contains("futex")) {
            return "futex";
        }
        if (frame.startsWith("schedule") || frame.startsWith("__schedule")) {
            return "scheduler";
        }
        return sofar == null ? "other" : sofar;
    }
}
