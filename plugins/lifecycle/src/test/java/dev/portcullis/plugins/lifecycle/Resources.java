package dev.portcullis.plugins.lifecycle;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Test resources as files (the openapi policy reads its spec from disk). */
final class Resources {

    private Resources() {}

    static String path(String name) {
        try {
            return Path.of(Resources.class.getResource("/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
