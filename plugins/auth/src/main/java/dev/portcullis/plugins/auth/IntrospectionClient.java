package dev.portcullis.plugins.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** Calls an RFC 7662 introspection endpoint, authenticating with HTTP Basic (RFC 6749 §2.3.1). */
final class IntrospectionClient implements AutoCloseable {

    private static final int MAX_BYTES = 64 * 1024;

    private final URI endpoint;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    IntrospectionClient(URI endpoint, String clientId, String clientSecret, Duration timeout) {
        this.endpoint = endpoint;
        String pair = form(clientId) + ":" + form(clientSecret);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The endpoint's answer for {@code token}.
     *
     * @throws IOException when the endpoint cannot be reached or does not answer a JSON object with 200;
     *                     the message never contains the token or the client secret
     */
    Map<String, Object> introspect(String token) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token) + "&token_type_hint=access_token"))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("introspection endpoint answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new IOException("introspection answer larger than " + MAX_BYTES + " bytes");
        }
        try {
            return JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IOException("introspection answer is not a JSON object");
        }
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
