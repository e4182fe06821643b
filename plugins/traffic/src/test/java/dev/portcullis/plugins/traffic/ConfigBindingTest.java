package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.CollectingConfigErrors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config records bind from the JSON shape the YAML produces, with their defaults applied. */
class ConfigBindingTest {

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void headersKeepTheirYamlOrder() throws Exception {
        HeadersConfig c = json.readValue("""
                {"set": {"X-B": "2", "X-A": "1", "X-C": "%{route}"}, "remove": ["Cookie"]}""", HeadersConfig.class);

        assertThat(c.set().keySet()).containsExactly("X-B", "X-A", "X-C");
        assertThat(c.add()).isEmpty();
        assertThat(c.remove()).containsExactly("Cookie");
    }

    @Test
    void corsDefaultsApplyWhenKeysAreMissing() throws Exception {
        CorsConfig c = json.readValue("""
                {"allowOrigins": ["https://app.example.com"]}""", CorsConfig.class);

        assertThat(c.allowMethods()).containsExactly("GET", "HEAD", "POST");
        assertThat(c.allowHeaders()).isEmpty();
        assertThat(c.allowCredentials()).isFalse();
        assertThat(c.maxAge()).isNull();
        assertThat(CollectingConfigErrors.of(c)).isEmpty();
    }

    @Test
    void sizesAndCidrListsBind() throws Exception {
        assertThat(json.readValue("""
                {"maxBody": "1MiB"}""", RequestSizeLimitConfig.class).maxBody().bytes()).isEqualTo(1L << 20);
        assertThat(json.readValue("""
                {"maxBody": 4096}""", RequestSizeLimitConfig.class).maxBody().bytes()).isEqualTo(4096);
        IpFilterConfig ip = json.readValue("""
                {"deny": ["10.0.0.0/8"]}""", IpFilterConfig.class);
        assertThat(ip.allow()).isEqualTo(List.of());
        assertThat(ip.deny()).containsExactly("10.0.0.0/8");
    }
}
