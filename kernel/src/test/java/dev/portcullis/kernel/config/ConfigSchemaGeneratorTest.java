package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.ConfigSchemaGenerator.Kind;
import dev.portcullis.spi.DataSize;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSchemaGeneratorTest {

    record Target(@JsonProperty(required = true) String url, Integer weight) {}

    record RateLimit(
            @JsonProperty(required = true) String key,
            long limit,
            Duration period,
            DataSize maxBody,
            List<Target> targets,
            Map<String, String> labels,
            Boolean failOpen) {}

    private final ConfigSchemaGenerator generator = new ConfigSchemaGenerator();

    private static List<String> names(JsonNode properties) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void recordSchemaForbidsUnknownKeysAndListsTheRecordsKeysInOrder() {
        ObjectNode s = generator.schema(RateLimit.class);
        assertThat(s.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(s.get("type").asText()).isEqualTo("object");
        assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(names(s.get("properties")))
                .containsExactly("key", "limit", "period", "maxBody", "targets", "labels", "failOpen");
        assertThat(s.get("required")).extracting(JsonNode::asText).containsExactly("key");

        JsonNode target = s.at("/properties/targets/items");
        assertThat(target.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(names(target.get("properties"))).containsExactly("url", "weight");
        assertThat(target.get("required")).extracting(JsonNode::asText).containsExactly("url");
        assertThat(s.at("/properties/labels/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(s.at("/properties/limit/type").asText()).isEqualTo("integer");
    }

    @Test
    void durationsAndSizesAreStringsWithAPatternThatMatchesWhatTheBinderAccepts() {
        ObjectNode s = generator.schema(RateLimit.class);
        JsonNode period = s.at("/properties/period");
        assertThat(period.get("type").asText()).isEqualTo("string");
        Pattern duration = Pattern.compile(period.get("pattern").asText());
        for (String ok : List.of("250ms", "2s", "1m", "1h", "1d", "PT2S")) {
            assertThat(duration.matcher(ok).find()).as(ok).isTrue();
            DurationFormat.parse(ok);
        }
        assertThat(duration.matcher("5x").find()).isFalse();

        JsonNode size = s.at("/properties/maxBody");
        assertThat(size.get("type")).extracting(JsonNode::asText).containsExactly("string", "integer");
        Pattern sizes = Pattern.compile(size.get("pattern").asText());
        for (String ok : List.of("512", "16KB", "16KiB", "10MB", "1 GiB", "10M")) {
            assertThat(sizes.matcher(ok).find()).as(ok).isTrue();
            DataSize.parse(ok);
        }
        assertThat(sizes.matcher("10XB").find()).isFalse();
    }

    @Test
    void pluginSchemaFixesTheType() {
        ObjectNode s = generator.schema(Kind.POLICY, "rate-limit", RateLimit.class);
        assertThat(s.at("/properties/type/const").asText()).isEqualTo("rate-limit");
        assertThat(names(s.get("properties")).get(0)).isEqualTo("type");
        assertThat(s.get("required")).extracting(JsonNode::asText).containsExactly("type", "key");
        assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(s.get("title").asText()).isEqualTo("policy rate-limit");

        ObjectNode none = generator.schema(Kind.POLICY, "noop", Void.class);
        assertThat(names(none.get("properties"))).containsExactly("type");
        assertThat(none.get("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void gatewaySchemaCoversTheTopLevelSections() {
        ObjectNode s = generator.gatewaySchema();
        assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(names(s.get("properties")))
                .containsExactly("server", "plugins", "stores", "components", "consumers", "policies", "routes");
        JsonNode route = s.at("/properties/routes/items");
        assertThat(names(route.get("properties"))).containsExactly("name", "match", "policies", "backend", "lifecycle");
        assertThat(route.at("/properties/backend/required/0").asText()).isEqualTo("type");
        assertThat(route.at("/properties/match/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void writesOneFilePerType(@TempDir Path dir) throws IOException {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        types.put("rate-limit", RateLimit.class);
        types.put("noop", Void.class);
        List<Path> files = generator.writeAll(dir.resolve("schemas"), Kind.POLICY, types);
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("policy-rate-limit.schema.json", "policy-noop.schema.json");
        JsonNode read = ConfigMapper.json().readTree(files.get(0).toFile());
        assertThat(read).isEqualTo(generator.schema(Kind.POLICY, "rate-limit", RateLimit.class));
    }
}
