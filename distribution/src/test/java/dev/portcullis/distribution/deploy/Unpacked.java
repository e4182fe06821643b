package dev.portcullis.distribution.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The distribution zip, unpacked once per test JVM into a temporary folder, as an operator would. */
final class Unpacked {

    private static Path home;

    private Unpacked() {}

    /** The unpacked {@code portcullis-VERSION/} folder. */
    static synchronized Path home() {
        if (home == null) {
            try {
                Path root = Files.createTempDirectory("portcullis-deploy");
                dev.portcullis.distribution.Launches.unzip(Path.of(System.getProperty("portcullis.zip")), root);
                try (var dirs = Files.list(root)) {
                    home = dirs.findFirst().orElseThrow();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home;
    }

    /** A loopback port free right now. */
    static int freePort() {
        return dev.portcullis.distribution.FreePorts.next();
    }
}
