package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gateway event ids are written without a JSON tree; they must stay the ids written before (the
 * base64url of Jackson's rendering of the object), since a client resumes with an id an older node
 * gave it, and must read back to what was put in.
 */
class EventIdsTest {

    static final List<String> ODD = List.of("", "docs", "1", "a\"quote", "back\\slash", "line\nbreak\ttab\u0001\u001f",
            "é ü 漢 😀", "\u2028\u2029", "</script>", "x".repeat(300));

    @Test
    void postIdsAreJacksonsObjectInBase64urlAndReadBack() {
        for (String server : ODD) {
            for (String id : ODD) {
                String made = EventIds.post(server, id);
                assertThat(made).isEqualTo("p." + jackson(Map.of(server, id)));
                EventIds.Resume r = EventIds.parse(made);
                assertThat(r).isNotNull();
                assertThat(r.post()).isTrue();
                assertThat(r.ids()).containsExactly(Map.entry(server, id));
            }
        }
    }

    @Test
    void mergedIdsKeepEveryServerInOrder() {
        Map<String, String> last = new LinkedHashMap<>();
        for (int i = 0; i < ODD.size(); i++) {
            last.put("s" + i + ODD.get(i), ODD.get(ODD.size() - 1 - i));
        }
        String made = EventIds.merged(last);
        assertThat(made).isEqualTo("g." + jackson(last));
        EventIds.Resume r = EventIds.parse(made);
        assertThat(r.post()).isFalse();
        assertThat(r.ids()).containsExactlyEntriesOf(last);
    }

    static String jackson(Map<String, String> ids) {
        ObjectNode o = JsonRpc.NODES.objectNode();
        ids.forEach(o::put);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JsonRpc.bytes(o));
    }
}
