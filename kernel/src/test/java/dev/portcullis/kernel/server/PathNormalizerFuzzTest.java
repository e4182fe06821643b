package dev.portcullis.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.regex.Pattern;

/**
 * The path normaliser on arbitrary request targets: it either refuses a path (a checked
 * exception, answered 400) or returns one that routes and forwards unambiguously. Any other
 * exception, or an ambiguous result, is a finding.
 */
class PathNormalizerFuzzTest {

    private static final Pattern STILL_ENCODED = Pattern.compile("%[0-9A-Fa-f]{2}");

    @FuzzTest(maxDuration = "20s")
    void aDecodedPathIsNeverAmbiguous(@NotNull String raw) {
        String path;
        try {
            path = PathNormalizer.decode(raw);
        } catch (PathNormalizer.InvalidPathException refused) {
            return;
        }
        assertThat(path).startsWith("/");
        assertThat(("/" + path + "/").replace("//", "/")).doesNotContain("/./", "/../");
        assertThat(path).doesNotContain("\\", "\u0000");
        assertThat(path.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
        // decoded once and for all: a backend that decodes again finds nothing more to decode
        assertThat(STILL_ENCODED.matcher(path).find()).as(path).isFalse();
        // what passes raw is passed through as is
        if (raw.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '%' && c != '\\')) {
            assertThat(path).isEqualTo(raw);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anAcceptedQueryIsPrintableAscii(@NotNull String raw) {
        try {
            PathNormalizer.checkQuery(raw);
        } catch (PathNormalizer.InvalidPathException refused) {
            return;
        }
        assertThat(raw.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
