package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A visitor of a tunnel behind a sign-in action, as a browser behaves: it sends the tunnel's host with the cookies
 * that host set, and follows each redirect to the provider (which signs it in at once) and back.
 */
final class SignInVisitor {
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int httpPort;
    private final String host;
    /** The browser's cookie jar for the tunnel's host, as name to value. */
    final Map<String, String> cookies = new LinkedHashMap<>();

    SignInVisitor(int httpPort, String host) {
        this.httpPort = httpPort;
        this.host = host;
    }

    /** A request to the tunnel through the edge, with the tunnel host's cookies; records the cookies it sets. */
    HttpResponse<String> get(String target, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + target))
                .header("Host", host).timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("set-cookie")) {
            String pair = set.substring(0, set.indexOf(';'));
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            if (value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    /**
     * Follows a sign-in from the tunnel to the provider and back, returning the tunnel's last answer; checks on the
     * way that the tunnel asked for the code with PKCE, for {@code clientId}, back to its own callback.
     */
    HttpResponse<String> signIn(String target, String clientId) throws Exception {
        HttpResponse<String> toProvider = get(target);
        assertThat(toProvider.statusCode()).isEqualTo(302);
        URI authorize = URI.create(toProvider.headers().firstValue("location").orElseThrow());
        assertThat(authorize.getQuery()).contains("code_challenge_method=S256", "client_id=" + clientId,
                "redirect_uri=http://" + host + ":" + httpPort + "/.burrow/oauth/callback");
        HttpResponse<String> back = client.send(HttpRequest.newBuilder(authorize).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).isEqualTo(302);
        URI callback = URI.create(back.headers().firstValue("location").orElseThrow());
        assertThat(callback.getPath()).isEqualTo("/.burrow/oauth/callback");
        return get(callback.getRawPath() + "?" + callback.getRawQuery());
    }
}
