package dev.portcullis.plugins.lifecycle;

import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.ResourceLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lets the schema validator read files referenced by the spec ({@code $ref: schemas/pet.yaml}),
 * but only below the spec's own folder, and only while the spec is compiled.
 */
final class LocalFiles implements ResourceLoader {

    private final Path dir;

    LocalFiles(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public InputStreamSource getResource(AbsoluteIri iri) {
        String s = iri.toString();
        if (!s.startsWith("file:")) {
            return null;
        }
        Path p;
        try {
            p = Path.of(URI.create(s)).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
        if (!p.startsWith(dir) || !Files.isRegularFile(p)) {
            return null;
        }
        return () -> Files.newInputStream(p);
    }
}
