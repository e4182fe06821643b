package com.example.portcullis;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * The config of a {@code static} backend:
 *
 * <pre>{@code
 * backend: { type: static, status: 200, contentType: text/plain, body: "hi" }
 * }</pre>
 *
 * @param status      the status code; defaults to 200
 * @param contentType the Content-Type; defaults to {@code text/plain; charset=utf-8}
 * @param body        the body text (sent as UTF-8); defaults to empty
 */
public record StaticConfig(Integer status, String contentType, String body) implements Validatable {

    /** Defaults for missing keys. */
    public StaticConfig {
        status = status == null ? 200 : status;
        contentType = contentType == null ? "text/plain; charset=utf-8" : contentType;
        body = body == null ? "" : body;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (status < 200 || status > 599) {
            errors.add("status", "must be between 200 and 599, was " + status);
        }
        if (contentType.isBlank() || contentType.indexOf('\r') >= 0 || contentType.indexOf('\n') >= 0) {
            errors.add("contentType", "not a valid content type: '" + contentType + "'");
        }
    }
}
