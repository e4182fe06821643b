package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonPathTest {

    private static boolean selects(String path, Object... location) {
        return JsonPath.parse(path).selects(location);
    }

    @Test
    void membersIndicesWildcardsAndDescendants() {
        assertThat(selects("$.to[*]", "to", 1)).isTrue();
        assertThat(selects("$.to", "to", 1)).as("a value and what is inside it").isTrue();
        assertThat(selects("$.to[0]", "to", 1)).isFalse();
        assertThat(selects("$.to[1]", "to", 1)).isTrue();
        assertThat(selects("$['reply-to']", "reply-to")).isTrue();
        assertThat(selects("$.*.name", "a", "name")).isTrue();
        assertThat(selects("$..note", "items", 3, "note")).isTrue();
        assertThat(selects("$..note", "items", 3, "notes")).isFalse();
        assertThat(selects("$.cc", "to", 0)).isFalse();
        assertThat(selects("$")).isTrue();
        assertThat(selects("$.to")).as("a text body has no members").isFalse();
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> JsonPath.parse("to")).hasMessage("not a JSON path: 'to' (must start with '$')");
        assertThatThrownBy(() -> JsonPath.parse("$.to[x]"))
                .hasMessage("not a JSON path: '$.to[x]' (expected an index, '*' or a quoted name inside [] at 5)");
        assertThatThrownBy(() -> JsonPath.parse("$..")).hasMessage("not a JSON path: '$..' (expected a name at 3)");
        assertThatThrownBy(() -> JsonPath.parse("$to")).hasMessage("not a JSON path: '$to' (unexpected 't' at 1)");
    }
}
