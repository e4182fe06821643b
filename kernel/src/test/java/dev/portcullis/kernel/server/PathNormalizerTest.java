package dev.portcullis.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @Test
    void plainPathsPassUnchanged() throws Exception {
        assertThat(PathNormalizer.decode("/api/users/42")).isEqualTo("/api/users/42");
        assertThat(PathNormalizer.decode("/")).isEqualTo("/");
    }

    @Test
    void percentEncodingIsDecodedOnce() throws Exception {
        assertThat(PathNormalizer.decode("/files/a%20b")).isEqualTo("/files/a b");
        assertThat(PathNormalizer.decode("/caf%C3%A9")).isEqualTo("/café");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/../b", "/..", "/a/./b", "/a/%2e%2e/b", "/a/%2E%2E", "/a%2fb", "/a%5cb", "/a\\b",
            "/a%00b", "/a%0d%0ab", "/a%1Cb", "/a%7fb", "/a/%25%32%65%25%32%65/b", "/a%25%32F", "/a%\u0663F", "/a%252e%252e/b", "/a%", "/a%zz", "/%C3%28", "relative"})
    void ambiguousPathsAreRefused(String raw) {
        assertThatThrownBy(() -> PathNormalizer.decode(raw)).isInstanceOf(PathNormalizer.InvalidPathException.class);
    }
}
