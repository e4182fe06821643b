package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Two demo MCP servers on one loopback port: {@code crm} at {@code /crm/mcp} with the tool
 * {@code read_customer}, and {@code mail} at {@code /mail/mcp} with the tool {@code send_email}.
 * Their tools do nothing themselves: they call the CRM and mail REST APIs at the configured URLs,
 * normally the gateway's own {@code /api/crm} and {@code /api/mail} routes, so every backend call
 * a tool makes passes the API gate (JWT, content inspection) like any other API traffic. They
 * authenticate as their own OAuth client and pass the MCP request's {@code X-Correlation-Id} on.
 * Not for production.
 */
public final class DemoMcp implements AutoCloseable {

    private static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");
    private static final int MAX_QUOTED = 2000;

    private final HttpServer server;
    private final HttpClient http;
    private final ServiceToken token;
    private final Duration timeout;
    private final String crmApi;
    private final String mailApi;
    /** Whether send_email's definition was changed after the gateway pinned it (see /admin/update-tool). */
    private final java.util.concurrent.atomic.AtomicBoolean sendEmailUpdated = new java.util.concurrent.atomic.AtomicBoolean();

    DemoMcp(DemoMcpConfig config) {
        server = DemoHttp.bind(config.host(), config.port()); // first: a busy port leaves nothing to clean up
        timeout = config.timeout();
        crmApi = config.crmApiUrl();
        mailApi = config.mailApiUrl();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        token = config.tokenUrl() == null ? null
                : new ServiceToken(http, URI.create(config.tokenUrl()), config.clientId(), config.clientSecret(), timeout);
        server.createContext("/crm/mcp", new McpResponder("crm",
                "Demo CRM: read customer records with read_customer.", List.of(new ReadCustomer())));
        server.createContext("/mail/mcp", new McpResponder("mail",
                "Demo mail: send e-mail with send_email.", List.of(new SendEmail())));
        // A server-side tool update, to show tool pinning: POST /admin/update-tool changes
        // send_email's description; the gateway hides and blocks it until an operator approves.
        server.createContext("/admin/update-tool", ex -> {
            boolean post = "POST".equals(ex.getRequestMethod());
            if (post) {
                sendEmailUpdated.set(true);
            }
            byte[] body = (post ? "{\"updated\":\"send_email\"}" : "{\"error\":\"POST to update send_email\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(post ? 200 : 405, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code read_customer}: GET {crmApi}/customers/{id}. */
    private final class ReadCustomer implements McpResponder.Tool {

        @Override
        public String name() {
            return "read_customer";
        }

        @Override
        public String description() {
            return "Read one customer record (name, e-mail, phone, tier, open ticket) by its id.";
        }

        @Override
        public ObjectNode inputSchema() {
            ObjectNode s = DemoHttp.JSON.createObjectNode();
            s.put("type", "object");
            s.putObject("properties").putObject("id").put("type", "string").put("description", "The customer id, e.g. 42");
            s.putArray("required").add("id");
            return s;
        }

        @Override
        public McpResponder.Result call(JsonNode arguments, String correlationId) {
            JsonNode idNode = arguments.path("id");
            String id = idNode.isTextual() || idNode.isIntegralNumber() ? idNode.asText() : "";
            if (!CUSTOMER_ID.matcher(id).matches()) {
                return new McpResponder.Result("'id' must be a customer id such as 42", true);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(crmApi + "/customers/" + id)).GET();
            try {
                HttpResponse<String> r = send(request, correlationId);
                return switch (r.statusCode()) {
                    case 200 -> new McpResponder.Result(r.body(), false);
                    case 404 -> new McpResponder.Result("there is no customer with id " + id, true);
                    default -> new McpResponder.Result("the CRM API refused: HTTP " + r.statusCode() + " " + quote(r.body()), true);
                };
            } catch (IOException e) {
                return new McpResponder.Result("the CRM API could not be reached: " + e.getMessage(), true);
            }
        }
    }

    /** {@code send_email}: POST {mailApi}/send. */
    private final class SendEmail implements McpResponder.Tool {

        @Override
        public String name() {
            return "send_email";
        }

        @Override
        public String description() {
            return sendEmailUpdated.get() ? "Send an e-mail. Version 2: recipients may include display names." : "Send an e-mail.";
        }

        @Override
        public ObjectNode inputSchema() {
            ObjectNode s = DemoHttp.JSON.createObjectNode();
            s.put("type", "object");
            ObjectNode p = s.putObject("properties");
            p.putObject("to").put("type", "array").put("description", "Recipients' e-mail addresses")
                    .putObject("items").put("type", "string");
            p.putObject("subject").put("type", "string");
            p.putObject("body").put("type", "string");
            s.putArray("required").add("to").add("body");
            return s;
        }

        @Override
        public McpResponder.Result call(JsonNode arguments, String correlationId) {
            List<String> to = new ArrayList<>();
            JsonNode toNode = arguments.path("to");
            if (toNode.isTextual()) {
                to.add(toNode.textValue());
            } else {
                toNode.forEach(t -> to.add(t.asText()));
            }
            JsonNode body = arguments.path("body");
            if (to.isEmpty() || !body.isTextual()) {
                return new McpResponder.Result("'to' (addresses) and 'body' (text) are required", true);
            }
            ObjectNode mail = DemoHttp.JSON.createObjectNode();
            ArrayNode recipients = mail.putArray("to");
            to.forEach(recipients::add);
            mail.put("subject", arguments.path("subject").asText(""));
            mail.put("body", body.textValue());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mailApi + "/send"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mail.toString()));
            try {
                HttpResponse<String> r = send(request, correlationId);
                if (r.statusCode() == 200) {
                    JsonNode answer = DemoHttp.JSON.readTree(r.body());
                    return new McpResponder.Result("sent " + answer.path("id").asText("") + " to " + String.join(", ", to), false);
                }
                return new McpResponder.Result("the mail API refused the message: HTTP " + r.statusCode() + " " + quote(r.body()), true);
            } catch (IOException e) {
                return new McpResponder.Result("the mail API could not be reached: " + e.getMessage(), true);
            }
        }
    }

    /** Sends with the servers' token (fetched again once if refused) and the correlation id. */
    private HttpResponse<String> send(HttpRequest.Builder request, String correlationId) throws IOException {
        request.timeout(timeout).header("Accept", "application/json");
        if (correlationId != null) {
            request.header("X-Correlation-Id", correlationId);
        }
        if (token == null) {
            return exchange(request.build());
        }
        String bearer = token.get();
        HttpResponse<String> r = exchange(request.copy().header("Authorization", "Bearer " + bearer).build());
        if (r.statusCode() == 401) { // e.g. the issuer restarted with a new key: one more try with a new token
            token.invalidate(bearer);
            r = exchange(request.copy().header("Authorization", "Bearer " + token.get()).build());
        }
        return r;
    }

    private HttpResponse<String> exchange(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static String quote(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() > MAX_QUOTED ? b.substring(0, MAX_QUOTED) + "…" : b;
    }

    @Override
    public void close() {
        server.stop(0);
        http.close();
    }
}
