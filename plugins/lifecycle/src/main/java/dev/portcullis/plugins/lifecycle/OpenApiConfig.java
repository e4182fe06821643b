package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;

/**
 * Config of {@code openapi}.
 *
 * @param spec              the OpenAPI 3.0 or 3.1 document (YAML or JSON), relative to the config file's folder
 * @param validateRequests  validate path, query and header parameters and JSON bodies (default true)
 * @param validateResponses validate JSON response bodies of documented statuses (default false)
 * @param basePath          a prefix of request paths that the spec's paths do not have, e.g. {@code /v1}
 * @param maxBody           the largest JSON body read for validation (default 1MiB); larger is 413
 * @param passUnknown       let requests for paths or methods the spec does not document through
 *                          (default false: 404 / 405)
 * @param serve             answer {@code GET <basePath><specPath>} with the spec as JSON (default false)
 * @param specPath          where the spec is served, below {@code basePath} (default {@code /openapi.json})
 */
public record OpenApiConfig(
        @JsonPropertyDescription("OpenAPI 3.0/3.1 document, relative to the config file's folder")
        String spec,
        @JsonPropertyDescription("Validate requests against the spec (default true)")
        Boolean validateRequests,
        @JsonPropertyDescription("Validate JSON responses against the spec (default false)")
        Boolean validateResponses,
        @JsonPropertyDescription("Request path prefix stripped before matching the spec's paths, e.g. /v1")
        String basePath,
        @JsonPropertyDescription("Largest body read for validation (default 1MiB)")
        DataSize maxBody,
        @JsonPropertyDescription("Pass requests for undocumented paths or methods through (default false: 404/405)")
        Boolean passUnknown,
        @JsonPropertyDescription("Serve the spec as JSON at basePath + specPath (default false)")
        Boolean serve,
        @JsonPropertyDescription("Where the spec is served below basePath (default /openapi.json)")
        String specPath) implements Validatable {

    /** Defaults; a trailing slash of the base path is dropped. */
    public OpenApiConfig {
        validateRequests = validateRequests == null ? Boolean.TRUE : validateRequests;
        validateResponses = validateResponses == null ? Boolean.FALSE : validateResponses;
        basePath = basePath == null || basePath.equals("/") ? "" : basePath.endsWith("/")
                ? basePath.substring(0, basePath.length() - 1) : basePath;
        maxBody = maxBody == null ? DataSize.ofBytes(1 << 20) : maxBody;
        passUnknown = passUnknown == null ? Boolean.FALSE : passUnknown;
        serve = serve == null ? Boolean.FALSE : serve;
        specPath = specPath == null ? "/openapi.json" : specPath;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (spec == null || spec.isBlank()) {
            errors.add("spec", "required: the path of an OpenAPI 3.0 or 3.1 document");
        }
        if (!basePath.isEmpty() && !basePath.startsWith("/")) {
            errors.add("basePath", "must start with '/'");
        }
        if (!specPath.startsWith("/")) {
            errors.add("specPath", "must start with '/'");
        }
        if (maxBody.bytes() == 0) {
            errors.add("maxBody", "must be more than 0");
        }
    }
}
