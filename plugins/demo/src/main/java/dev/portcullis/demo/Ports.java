package dev.portcullis.demo;

import dev.portcullis.spi.ConfigErrors;

/** The port check every demo server's config shares. */
final class Ports {

    private Ports() {
    }

    static void check(ConfigErrors errors, int port) {
        if (port < 0 || port > 65535) {
            errors.add("port", "must be between 0 and 65535");
        }
    }
}
