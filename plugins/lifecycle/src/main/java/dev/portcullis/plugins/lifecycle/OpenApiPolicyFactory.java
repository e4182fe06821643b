package dev.portcullis.plugins.lifecycle;

import dev.portcullis.spi.AdminResource;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StandardAttributes;
import dev.portcullis.spi.Verdict;
import java.util.List;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: openapi}: holds a route to its OpenAPI 3.0 or 3.1 description. Requests for
 * undocumented paths or methods get 404 / 405; requests whose parameters or JSON body break the
 * schemas get 400 {@code request-invalid} listing every violation. Optionally validates JSON
 * responses (502 {@code response-invalid}) and serves the document at {@code <basePath>/openapi.json}.
 * The document is read and compiled once, when the config is loaded.
 */
@Extension
public final class OpenApiPolicyFactory implements PolicyFactory<OpenApiConfig> {

    @Override
    public String type() {
        return "openapi";
    }

    @Override
    public Class<OpenApiConfig> configType() {
        return OpenApiConfig.class;
    }

    @Override
    public Policy create(OpenApiConfig config, PluginContext context) {
        OpenApiDocument document = OpenApiDocument.load(context.configDir().resolve(config.spec()).normalize());
        return new OpenApiPolicy(config, document);
    }

    @Override
    public String description() {
        return "OpenAPI 3.0/3.1 request (and response) validation; serves the spec";
    }

    /** The policy. */
    static final class OpenApiPolicy implements Policy, AdminResource {

        private static final Logger LOG = LoggerFactory.getLogger(OpenApiPolicy.class);

        /** The operation matched in the request phase, for the response phase. */
        private static final AttributeKey<Operation> OPERATION = AttributeKey.of("openapi.operation", Operation.class);

        private final OpenApiDocument document;
        private final String basePath;
        private final String servedAt;
        private final boolean validateRequests;
        private final boolean validateResponses;
        private final boolean passUnknown;
        private final long maxBody;

        OpenApiPolicy(OpenApiConfig config, OpenApiDocument document) {
            this.document = document;
            this.basePath = config.basePath();
            this.servedAt = config.serve() ? config.basePath() + config.specPath() : null;
            this.validateRequests = config.validateRequests();
            this.validateResponses = config.validateResponses();
            this.passUnknown = config.passUnknown();
            this.maxBody = config.maxBody().bytes();
        }

        /** The spec for developers on the admin listener: {@code GET /api/routes/<route>/resources/openapi}. */
        @Override
        public String adminResourceName() {
            return "openapi";
        }

        @Override
        public Response adminResource() {
            return new Response(200, Headers.of("Content-Type", "application/json"), Body.of(document.json()));
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            Request request = exchange.request();
            String path = request.path();
            if (servedAt != null && path.equals(servedAt) && (request.method().equals("GET") || request.method().equals("HEAD"))) {
                return Verdict.respond(new Response(200, Headers.of("Content-Type", "application/json"),
                        request.method().equals("HEAD") ? Body.empty() : Body.of(document.json())));
            }
            if (!validateRequests && !validateResponses) {
                return Verdict.proceed();
            }
            String specPath = stripBase(path);
            OpenApiDocument.Match match = specPath == null ? null : document.match(specPath);
            if (match == null) {
                return passUnknown ? Verdict.proceed() : Verdict.reject(404, "operation-not-found", "Operation not found",
                        request.method() + " " + path + " is not described by this API's OpenAPI document");
            }
            Operation operation = match.item().operations().get(request.method());
            if (operation == null) {
                return passUnknown ? Verdict.proceed() : Verdict.reject(Failure.of(405, "method-not-allowed", "Method not allowed",
                        request.method() + " is not an operation of " + match.item().template().template()
                                + "; allowed: " + match.item().allow()).withHeader("Allow", match.item().allow()));
            }
            if (validateResponses) {
                exchange.attributes().set(OPERATION, operation);
            }
            if (!validateRequests) {
                return Verdict.proceed();
            }
            List<Violation> violations;
            try {
                violations = operation.validate(request, match.pathValues(), maxBody);
            } catch (BodyTooLargeException e) {
                return Verdict.reject(413, "body-too-large", "Request body too large",
                        "the body exceeds " + e.limit() + " bytes, the most this route validates");
            }
            if (violations.isEmpty()) {
                return Verdict.proceed();
            }
            return Verdict.respond(ValidationProblem.response(exchange, 400, "request-invalid", "Request invalid",
                    ValidationProblem.summary(operation + " request", violations), violations));
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            Operation operation = validateResponses ? exchange.attributes().get(OPERATION).orElse(null) : null;
            Response response = exchange.response();
            // only what the upstream said is held to the document, not the gateway's own answers
            if (operation == null || !exchange.attributes().has(StandardAttributes.UPSTREAM)
                    || response.isEventStream() || !operation.documentsResponse(response.status())) {
                return Verdict.proceed();
            }
            String contentType = response.headers().get("Content-Type");
            if (!MediaTypes.isJson(MediaTypes.essence(contentType))) {
                return Verdict.proceed();
            }
            byte[] bytes;
            try {
                bytes = response.body().bytes(maxBody);
            } catch (BodyTooLargeException e) {
                return Verdict.proceed(); // too large to check: passed on as it came
            }
            List<Violation> violations = operation.validateResponse(response.status(), contentType, bytes);
            if (violations.isEmpty()) {
                return Verdict.proceed();
            }
            LOG.warn("request {}: {} response {} does not match the OpenAPI document: {}", exchange.requestId(),
                    operation, response.status(), violations);
            return Verdict.respond(ValidationProblem.response(exchange, 502, "response-invalid", "Upstream response invalid",
                    ValidationProblem.summary(operation + " response " + response.status(), violations), violations));
        }

        /** The path below the base path ({@code /v1/pets} → {@code /pets}), or null when outside it. */
        private String stripBase(String path) {
            if (basePath.isEmpty()) {
                return path;
            }
            if (!path.startsWith(basePath)) {
                return null;
            }
            if (path.length() == basePath.length()) {
                return "/";
            }
            return path.charAt(basePath.length()) == '/' ? path.substring(basePath.length()) : null;
        }
    }
}
