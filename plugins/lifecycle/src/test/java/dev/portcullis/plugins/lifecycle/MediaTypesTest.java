package dev.portcullis.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void parameterIsFoundInAnyMediaRangeAndUnquoted() {
        assertThat(MediaTypes.parameter("application/json; version=2", "version")).isEqualTo("2");
        assertThat(MediaTypes.parameter("text/html, application/json;q=0.9;Version=\"v2\"", "version")).isEqualTo("v2");
        assertThat(MediaTypes.parameter("application/json; note=\"a;version=9\"; version=3", "version")).isEqualTo("3");
        assertThat(MediaTypes.parameter("application/json", "version")).isNull();
        assertThat(MediaTypes.parameter("application/json; version=", "version")).isNull();
    }

    @Test
    void lookupPrefersExactThenRangeThenAny() {
        Set<String> documented = Set.of("application/json", "text/*", "*/*");
        assertThat(MediaTypes.lookup(documented, "application/json")).isEqualTo("application/json");
        assertThat(MediaTypes.lookup(documented, "text/csv")).isEqualTo("text/*");
        assertThat(MediaTypes.lookup(documented, "image/png")).isEqualTo("*/*");
        assertThat(MediaTypes.lookup(Set.of("application/json"), "application/xml")).isNull();
        assertThat(MediaTypes.essence("Application/JSON; charset=utf-8")).isEqualTo("application/json");
        assertThat(MediaTypes.isJson("application/problem+json")).isTrue();
    }

    @Test
    void versionLabelsCompareWithOrWithoutV() {
        assertThat(ApiVersion.same("v2", "2")).isTrue();
        assertThat(ApiVersion.same("V2", "v2")).isTrue();
        assertThat(ApiVersion.same("v2", "v1")).isFalse();
        assertThat(ApiVersion.same("2024-01-01", "2024-01-01")).isTrue();
    }
}
