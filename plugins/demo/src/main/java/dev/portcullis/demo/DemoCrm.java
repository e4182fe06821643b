package dev.portcullis.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A demo CRM REST API on loopback with a few made-up customer records carrying personal data
 * (e-mail, phone), so the API gate's content inspection has something real to find. Read-only.
 * Not for production.
 *
 * <ul>
 *   <li>{@code GET /customers} — every record</li>
 *   <li>{@code GET /customers/{id}} — one record, or 404</li>
 *   <li>{@code GET /health} — 200</li>
 * </ul>
 *
 * <p>It checks no credentials itself: the gateway's {@code /api/crm} route in front of it does.
 */
public final class DemoCrm implements AutoCloseable {

    /** The records, by id. E-mail domains and phone numbers are reserved for examples and fiction. */
    static final Map<String, ObjectNode> CUSTOMERS = customers();

    private final HttpServer server;

    DemoCrm(DemoCrmConfig config) {
        server = DemoHttp.bind(config.host(), config.port());
        server.createContext("/customers", this::customers);
        server.createContext("/health", ex -> DemoHttp.send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void customers(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            DemoHttp.methodNotAllowed(ex, "GET");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals("/customers") || path.equals("/customers/")) {
            ArrayNode all = DemoHttp.JSON.createArrayNode();
            CUSTOMERS.values().forEach(all::add);
            ObjectNode body = DemoHttp.JSON.createObjectNode();
            body.set("customers", all);
            DemoHttp.json(ex, 200, body);
            return;
        }
        String id = path.substring("/customers/".length());
        ObjectNode customer = CUSTOMERS.get(id);
        if (customer == null) {
            DemoHttp.problem(ex, 404, "no-such-customer", "no customer with id '" + (id.length() > 40 ? id.substring(0, 40) + "…" : id) + "'");
        } else {
            DemoHttp.json(ex, 200, customer);
        }
    }

    private static Map<String, ObjectNode> customers() {
        Map<String, ObjectNode> m = new LinkedHashMap<>();
        m.put("7", customer("7", "Grace Hopper", "grace.hopper@example.net", "+1 202 555 0143", "silver",
                "Please update my shipping address to the new office."));
        m.put("42", customer("42", "Ada Lovelace", "ada.lovelace@example.org", "+44 20 7946 0958", "gold",
                "Invoice 2026-118 was charged twice."));
        m.put("1001", customer("1001", "Alan Turing", "alan.turing@example.org", "+44 161 496 0734", "bronze", null));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static ObjectNode customer(String id, String name, String email, String phone, String tier, String ticket) {
        ObjectNode c = DemoHttp.JSON.createObjectNode();
        c.put("id", id);
        c.put("name", name);
        c.put("email", email);
        c.put("phone", phone);
        c.put("tier", tier);
        if (ticket == null) {
            c.putNull("openTicket");
        } else {
            c.put("openTicket", ticket);
        }
        return c;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
