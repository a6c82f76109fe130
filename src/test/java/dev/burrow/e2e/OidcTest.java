package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The oidc action end to end: a real edge and agent, a real OpenID provider on loopback (mock-oauth2-server: real
 * discovery, authorization with PKCE, token endpoint, signed ID tokens), and a client that follows each redirect the
 * way a browser does, keeping its cookies per host.
 */
class OidcTest {
    private static final String APP = "app.burrow.test";

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private TestUpstream upstream;
    private MockOAuth2Server provider;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The browser's cookie jar for the tunnel's host, as "name=value" pairs. */
    private final java.util.Map<String, String> tunnelCookies = new java.util.LinkedHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        upstream = new TestUpstream();
        harness = new TunnelHarness(dataDir);
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
        provider.shutdown();
    }

    private void bind(String allow) {
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app")
                .withTrafficPolicy("""
                        on_http_request:
                          - actions:
                              - type: oidc
                                config:
                                  issuer_url: "%s"
                                  client_id: tunnel-client
                                  client_secret: tunnel-secret
                                  %s
                        """.formatted(provider.issuerUrl("default"), allow)));
    }

    private void signInAs(String subject, String email) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, JOSEObjectType.JWT.getType(),
                null, Map.of("email", email, "email_verified", true), 3600));
    }

    /** A request to the tunnel through the edge, with the tunnel host's cookies; records the cookies it sets. */
    private HttpResponse<String> tunnel(String target, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.httpPort()
                + target)).header("Host", APP).timeout(Duration.ofSeconds(30));
        if (!tunnelCookies.isEmpty()) {
            request.header("Cookie", String.join("; ", tunnelCookies.entrySet().stream()
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
                tunnelCookies.remove(name);
            } else {
                tunnelCookies.put(name, value);
            }
        }
        return response;
    }

    /** Follows a sign-in from the tunnel to the provider and back, returning the tunnel's last answer. */
    private HttpResponse<String> signIn(String target) throws Exception {
        HttpResponse<String> toProvider = tunnel(target);
        assertThat(toProvider.statusCode()).isEqualTo(302);
        URI authorize = URI.create(toProvider.headers().firstValue("location").orElseThrow());
        assertThat(authorize.getQuery()).contains("code_challenge_method=S256", "client_id=tunnel-client",
                "redirect_uri=http://app.burrow.test:" + harness.httpPort() + "/.burrow/oauth/callback");
        HttpResponse<String> back = client.send(HttpRequest.newBuilder(authorize).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).isEqualTo(302);
        URI callback = URI.create(back.headers().firstValue("location").orElseThrow());
        assertThat(callback.getPath()).isEqualTo("/.burrow/oauth/callback");
        return tunnel(callback.getRawPath() + "?" + callback.getRawQuery());
    }

    @Test
    void aVisitorSignsInAndReachesTheUpstreamWithAnIdentityItCannotForge() throws Exception {
        bind("allow_domains: [example.test]");
        signInAs("ann-id", "Ann@Example.test");

        HttpResponse<String> signedIn = signIn("/echo/private?x=1");

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("location"))
                .hasValue("http://app.burrow.test:" + harness.httpPort() + "/echo/private?x=1");
        assertThat(upstream.requested).as("nothing reached the upstream while signing in").isEmpty();
        HttpResponse<String> page = tunnel("/echo/private?x=1", "X-Burrow-User-Email", "mallory@evil.test");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().lines()).contains("h:x-burrow-user-email=ann@example.test",
                "h:x-burrow-user-subject=ann-id");
        assertThat(page.body()).as("the edge's cookies stay at the edge").doesNotContain("__burrow_");
        assertThat(tunnelCookies.keySet()).containsExactly("__burrow_oidc_session");
    }

    @Test
    void withoutASessionAForgedIdentityGetsNoFurtherThanTheSignIn() throws Exception {
        bind("");

        HttpResponse<String> response = tunnel("/echo/x", "X-Burrow-User-Email", "ann@example.test");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValueSatisfying(
                location -> assertThat(location).startsWith(provider.issuerUrl("default") + "/authorize"));
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void anAccountOutsideTheAllowListIsRefused() throws Exception {
        bind("allow_emails: [ann@example.test]");
        signInAs("bob-id", "bob@example.test");

        HttpResponse<String> refused = signIn("/echo/x");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(tunnelCookies).doesNotContainKey("__burrow_oidc_session");
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aCallbackNotStartedByThisBrowserOrWithAnAlteredCookieIsRefused() throws Exception {
        bind("");
        assertThat(tunnel("/echo/x").statusCode()).isEqualTo(302);
        String started = tunnelCookies.get("__burrow_oidc_signin");

        tunnelCookies.put("__burrow_oidc_signin", started.substring(0, started.length() - 2) + "AA");
        HttpResponse<String> altered = tunnel("/.burrow/oauth/callback?code=abc&state=xyz");
        tunnelCookies.clear();
        HttpResponse<String> foreign = tunnel("/.burrow/oauth/callback?code=abc&state=xyz");

        assertThat(altered.statusCode()).isEqualTo(401);
        assertThat(foreign.statusCode()).isEqualTo(401);
    }

    @Test
    void aBrowserIsSentToTheProviderAndBackAndSeesThePage() {
        bind("allow_domains: [example.test]");
        signInAs("ann-id", "ann@example.test");
        ChromeDriver browser = Chromium.start(dataDir, "--host-resolver-rules=MAP " + APP + " 127.0.0.1");
        try {
            browser.get("http://" + APP + ":" + harness.httpPort() + "/echo/browser");
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                    ExpectedConditions.textMatches(By.tagName("body"), Pattern.compile("uri=/echo/browser")));

            assertThat(browser.getCurrentUrl()).isEqualTo("http://" + APP + ":" + harness.httpPort()
                    + "/echo/browser");
            assertThat(browser.findElement(By.tagName("body")).getText())
                    .contains("h:x-burrow-user-email=ann@example.test");
            assertThat(browser.manage().getCookieNamed("__burrow_oidc_session").isHttpOnly()).isTrue();
        } finally {
            browser.quit();
        }
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        bind("");
        signInAs("ann-id", "ann@example.test");
        signIn("/echo/x");
        assertThat(tunnel("/echo/x").statusCode()).isEqualTo(200);

        HttpResponse<String> out = tunnel("/.burrow/logout");

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(tunnel("/echo/x").statusCode()).isEqualTo(302);
        assertThat(List.copyOf(upstream.requested)).containsExactly("/echo/x");
    }
}
