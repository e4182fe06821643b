package dev.portcullis.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** What every distribution test does the same way: unpack the zip, wait for a started gateway. */
public final class Launches {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Launches() {}

    /** Unpacks {@code zip} into {@code into}, as an operator's {@code unzip} would (scripts executable). */
    public static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            var entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path p = into.resolve(e.getName()).normalize();
                if (!p.startsWith(into)) {
                    throw new IOException("zip entry outside target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                    continue;
                }
                Files.createDirectories(p.getParent());
                try (InputStream in = zf.getInputStream(e)) {
                    Files.copy(in, p);
                }
                if (e.getName().contains("/bin/")) {
                    p.toFile().setExecutable(true);
                }
            }
        }
    }

    /**
     * Waits until {@code ready} answers 200, failing at once (with {@code log}) if {@code process}
     * dies, and after {@code timeout}.
     */
    public static void awaitReady(String what, Process process, URI ready, Duration timeout, Supplier<String> log)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("%s alive; log:%n%s", what, log.get()).isTrue();
            try {
                if (CLIENT.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not ready in " + timeout.toSeconds() + "s; log:\n" + log.get());
    }
}
