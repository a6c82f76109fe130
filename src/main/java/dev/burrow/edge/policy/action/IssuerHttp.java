package dev.burrow.edge.policy.action;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one HTTP client the edge's policy actions use to reach an identity provider (discovery, keys, tokens): the
 * JDK's asynchronous client, so no event loop waits. One for the whole edge, as each client keeps a thread of its own;
 * each request carries its own overall timeout. Redirects are not followed: a provider's endpoints are its own.
 */
final class IssuerHttp {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private IssuerHttp() {
    }
}
