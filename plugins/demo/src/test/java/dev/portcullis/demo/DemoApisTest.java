package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo CRM and mail REST APIs over real HTTP. */
class DemoApisTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static DemoCrm crm;
    static DemoMail mail;

    @BeforeAll
    static void start() {
        crm = new DemoCrm(new DemoCrmConfig("127.0.0.1", 0));
        mail = new DemoMail(new DemoMailConfig("127.0.0.1", 0, 2));
    }

    @AfterAll
    static void stop() {
        crm.close();
        mail.close();
    }

    static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void crmServesRecordsWithPersonalData() throws Exception {
        String base = "http://127.0.0.1:" + crm.port();
        HttpResponse<String> one = send("GET", base + "/customers/7", null);
        assertThat(one.statusCode()).isEqualTo(200);
        JsonNode c = DemoHttp.JSON.readTree(one.body());
        assertThat(c.path("name").asText()).isEqualTo("Grace Hopper");
        assertThat(c.path("phone").asText()).isEqualTo("+1 202 555 0143");
        assertThat(DemoHttp.JSON.readTree(send("GET", base + "/customers", null).body()).path("customers")).hasSize(3);
        HttpResponse<String> missing = send("GET", base + "/customers/8", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(send("DELETE", base + "/customers/7", null).statusCode()).isEqualTo(405);
    }

    @Test
    void mailRecordsWhatItSendsInABoundedOutbox() throws Exception {
        String base = "http://127.0.0.1:" + mail.port();
        send("DELETE", base + "/outbox", null);
        HttpResponse<String> sent = send("POST", base + "/send", "{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\"}");
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("\"status\":\"sent\"", "\"to\":[\"a@example.com\"]");
        send("POST", base + "/send", "{\"to\":[\"b@example.com\",\"c@example.com\"],\"body\":\"2\"}");
        send("POST", base + "/send", "{\"to\":[\"d@example.com\"],\"body\":\"3\"}");
        JsonNode outbox = DemoHttp.JSON.readTree(send("GET", base + "/outbox", null).body()).path("messages");
        assertThat(outbox).hasSize(2); // outboxSize 2: the oldest is gone
        assertThat(outbox.get(0).path("to").toString()).isEqualTo("[\"b@example.com\",\"c@example.com\"]");
        assertThat(outbox.get(1).path("body").asText()).isEqualTo("3");

        assertThat(send("POST", base + "/send", "{\"to\":[\"not an address\"],\"body\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", base + "/send", "{\"to\":[\"a@example.com\"]}").statusCode()).isEqualTo(400);
        assertThat(send("POST", base + "/send", "nope").statusCode()).isEqualTo(400);
        assertThat(send("GET", base + "/send", null).statusCode()).isEqualTo(405);
        assertThat(send("DELETE", base + "/outbox", null).statusCode()).isEqualTo(204);
        assertThat(DemoHttp.JSON.readTree(send("GET", base + "/outbox", null).body()).path("messages")).isEmpty();
    }
}
