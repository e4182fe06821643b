package dev.portcullis.kernel.testing;

import dev.portcullis.kernel.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole gateway in-process for tests: the config is written to a temporary folder, both
 * listeners bind ephemeral ports, and extensions are found on the test class path through their
 * {@code @Extension} index, as they would be in a plugin jar.
 */
public final class TestGateway implements AutoCloseable {

    private final Path dir;
    private final Path configFile;
    private final Gateway gateway;

    private TestGateway(Path dir, Path configFile, Gateway gateway) {
        this.dir = dir;
        this.configFile = configFile;
        this.gateway = gateway;
    }

    /** Starts a gateway with {@code yaml}; no environment variables. */
    public static TestGateway start(String yaml) {
        return start(yaml, Map.of());
    }

    /** Starts a gateway with {@code yaml} and {@code env} for {@code ${VAR}} substitution. */
    public static TestGateway start(String yaml, Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("portcullis-test");
            Path file = dir.resolve("portcullis.yaml");
            Files.writeString(file, yaml);
            Gateway g = Gateway.start(new Gateway.Options(file, env, dir, 0, 0));
            return new TestGateway(dir, file, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A URI on the gateway listener, e.g. {@code uri("/api/x?y=1")}. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery);
    }

    /** A URI on the admin listener. */
    public URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
    }

    /** The gateway listener's port. */
    public int port() {
        return gateway.port();
    }

    /** Writes {@code yaml} to the config file and reloads it. */
    public Gateway.ReloadResult reload(String yaml) {
        try {
            Files.writeString(configFile, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gateway.reload();
    }

    /** The folder holding the config file. */
    public Path dir() {
        return dir;
    }

    /** The running gateway. */
    public Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
