package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Validatable;
import org.junit.jupiter.api.Test;

class CollectingConfigErrorsTest {

    @Test
    void nestedViewsPrefixPathsTheWayTheKernelDoes() {
        Validatable config = errors -> {
            errors.add("", "give at least one target");
            errors.add("limit", "must be positive");
            errors.at("targets").add("[0].url", "not an absolute URL");
            errors.at("targets").at("[1]").add("weight", "must be positive");
            errors.at("retry").add("", "retry needs attempts");
        };

        assertThat(CollectingConfigErrors.of(config)).containsExactly(
                ": give at least one target",
                "limit: must be positive",
                "targets[0].url: not an absolute URL",
                "targets[1].weight: must be positive",
                "retry: retry needs attempts");

        CollectingConfigErrors errors = new CollectingConfigErrors();
        assertThat(errors.isEmpty()).isTrue();
        config.validate(errors.at("backend"));
        assertThat(errors.paths()).containsExactly(
                "backend", "backend.limit", "backend.targets[0].url", "backend.targets[1].weight", "backend.retry");
        assertThat(errors.entries().get(1)).isEqualTo(new CollectingConfigErrors.Entry("backend.limit", "must be positive"));
        assertThat(errors.isEmpty()).isFalse();
    }
}
