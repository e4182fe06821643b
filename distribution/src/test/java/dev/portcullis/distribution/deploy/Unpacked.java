package dev.portcullis.distribution.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The distribution zip, unpacked once per test JVM into a temporary folder, as an operator would. */
final class Unpacked {

    private static Path home;

    private Unpacked() {}

    /** The unpacked {@code portcullis-VERSION/} folder. */
    static synchronized Path home() {
        if (home == null) {
            try {
                Path root = Files.createTempDirectory("portcullis-deploy");
                unzip(Path.of(System.getProperty("portcullis.zip")), root);
                try (var dirs = Files.list(root)) {
                    home = dirs.findFirst().orElseThrow();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home;
    }

    private static void unzip(Path zip, Path into) throws IOException {
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

    /** A loopback port free right now. */
    static int freePort() {
        return dev.portcullis.distribution.FreePorts.next();
    }
}
