package dev.burrow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.admin.OperatorSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Calls of an edge's admin listener, as an operator's script makes them: HTTP/1.1, the admin token, JSON. */
final class AdminClient {
    static final String TOKEN = "test-admin-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final InetSocketAddress address;

    AdminClient(InetSocketAddress address) {
        this.address = address;
    }

    /** Edge settings with the admin listener on an ephemeral loopback port, its token {@link #TOKEN}. */
    static UnaryOperator<EdgeConfig.Builder> listening(UnaryOperator<OperatorSettings> more) {
        return builder -> builder.operator(more.apply(OperatorSettings.NONE
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), TOKEN)));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call with the admin token. */
    HttpResponse<String> call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).header("Authorization", "Bearer " + TOKEN);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    /** The body of a call answered {@code status}, as JSON. */
    JsonNode json(String method, String path, String body, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = call(method, path, body);
        if (response.statusCode() != status) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ", not " + status
                    + ": " + response.body());
        }
        return parse(response.body());
    }

    static JsonNode parse(String body) throws IOException {
        return JSON.readTree(body);
    }
}
