package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * JSON over HTTP to one OpenAI-compatible server (marft serve or vLLM) with the JDK's HttpClient.
 * A server that cannot be reached, times out, answers 5xx, or lacks the named model (404) is a
 * {@link Unavailable} (the caller may try another server); any other 4xx is the caller's fault and an
 * {@link InputError} with the server's message.
 */
final class ServerClient {
    /** The server did not do it; another one may. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    private final Duration timeout;

    ServerClient(Duration timeout) {
        this.timeout = timeout;
    }

    /** POSTs {@code body} to {@code server + path}; the response body as text. */
    String post(URI server, String path, JsonNode body) throws Unavailable {
        HttpRequest req = HttpRequest.newBuilder(server.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(server, path, req);
    }

    JsonNode get(URI server, String path) throws Unavailable {
        return parse(server, path, send(server, path, HttpRequest.newBuilder(server.resolve(path)).timeout(timeout).GET().build()));
    }

    JsonNode postJson(URI server, String path, JsonNode body) throws Unavailable {
        return parse(server, path, post(server, path, body));
    }

    private String send(URI server, String path, HttpRequest req) throws Unavailable {
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) { // refused, reset, timed out (HttpTimeoutException is an IOException)
            throw new Unavailable(server + path + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(server + path + ": interrupted");
        }
        int status = r.statusCode();
        if (status / 100 == 2) return r.body();
        String message = errorMessage(r.body());
        if (status >= 500 || status == 404 || status == 408 || status == 429)
            throw new Unavailable(server + path + ": HTTP " + status + " " + message);
        throw new InputError(server + path + ": HTTP " + status + " " + message);
    }

    private static JsonNode parse(URI server, String path, String body) throws Unavailable {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Unavailable(server + path + ": the answer is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The {@code error.message} of an OpenAI error object, else the body's first line. */
    private static String errorMessage(String body) {
        try {
            JsonNode m = Json.MAPPER.readTree(body).path("error").path("message");
            if (m.isTextual()) return m.asText();
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        return body == null ? "" : body.lines().findFirst().orElse("");
    }
}
