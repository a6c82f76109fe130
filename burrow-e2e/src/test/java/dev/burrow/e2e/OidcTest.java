package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import java.io.IOException;
import java.net.InetAddress;
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
    @TempDir
    Path dataDir;
    private SignInTunnel tunnel;
    private MockOAuth2Server provider;
    private SignInVisitor visitor;

    @BeforeEach
    void setUp() throws IOException {
        tunnel = new SignInTunnel(dataDir);
        visitor = tunnel.visitor;
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void tearDown() {
        tunnel.close();
        provider.shutdown();
    }

    private void bind(String allow) {
        tunnel.bind("oidc", """
                issuer_url: "%s"
                client_id: tunnel-client
                client_secret: tunnel-secret
                %s""".formatted(provider.issuerUrl("default"), allow));
    }

    private void signInAs(String subject, String email) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, JOSEObjectType.JWT.getType(),
                null, Map.of("email", email, "email_verified", true), 3600));
    }

    @Test
    void aVisitorSignsInAndReachesTheUpstreamWithAnIdentityItCannotForge() throws Exception {
        bind("allow_domains: [example.test]");
        signInAs("ann-id", "Ann@Example.test");

        HttpResponse<String> signedIn = visitor.signIn("/echo/private?x=1", "tunnel-client");

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("location"))
                .hasValue(tunnel.url("/echo/private?x=1"));
        assertThat(tunnel.upstream.requested).as("nothing reached the upstream while signing in").isEmpty();
        HttpResponse<String> page = visitor.get("/echo/private?x=1", "X-Burrow-User-Email", "mallory@evil.test");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().lines()).contains("h:x-burrow-user-email=ann@example.test",
                "h:x-burrow-user-subject=ann-id");
        assertThat(page.body()).as("the edge's cookies stay at the edge").doesNotContain("__burrow_");
        assertThat(visitor.cookies.keySet()).containsExactly("__burrow_oidc_session");
    }

    @Test
    void withoutASessionAForgedIdentityGetsNoFurtherThanTheSignIn() throws Exception {
        bind("");

        HttpResponse<String> response = visitor.get("/echo/x", "X-Burrow-User-Email", "ann@example.test");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValueSatisfying(
                location -> assertThat(location).startsWith(provider.issuerUrl("default") + "/authorize"));
        assertThat(tunnel.upstream.requested).isEmpty();
    }

    @Test
    void anAccountOutsideTheAllowListIsRefused() throws Exception {
        bind("allow_emails: [ann@example.test]");
        signInAs("bob-id", "bob@example.test");

        HttpResponse<String> refused = visitor.signIn("/echo/x", "tunnel-client");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(visitor.cookies).doesNotContainKey("__burrow_oidc_session");
        assertThat(tunnel.upstream.requested).isEmpty();
    }

    @Test
    void aCallbackNotStartedByThisBrowserOrWithAnAlteredCookieIsRefused() throws Exception {
        bind("");
        assertThat(visitor.get("/echo/x").statusCode()).isEqualTo(302);
        String started = visitor.cookies.get("__burrow_oidc_signin");

        visitor.cookies.put("__burrow_oidc_signin", started.substring(0, started.length() - 2) + "AA");
        HttpResponse<String> altered = visitor.get("/.burrow/oauth/callback?code=abc&state=xyz");
        visitor.cookies.clear();
        HttpResponse<String> foreign = visitor.get("/.burrow/oauth/callback?code=abc&state=xyz");

        assertThat(altered.statusCode()).isEqualTo(401);
        assertThat(foreign.statusCode()).isEqualTo(401);
    }

    @Test
    void aBrowserIsSentToTheProviderAndBackAndSeesThePage() {
        bind("allow_domains: [example.test]");
        signInAs("ann-id", "ann@example.test");
        ChromeDriver browser = Chromium.start(dataDir, "--host-resolver-rules=MAP " + SignInTunnel.HOST
                + " 127.0.0.1");
        try {
            browser.get(tunnel.url("/echo/browser"));
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                    ExpectedConditions.textMatches(By.tagName("body"), Pattern.compile("uri=/echo/browser")));

            assertThat(browser.getCurrentUrl()).isEqualTo(tunnel.url("/echo/browser"));
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
        visitor.signIn("/echo/x", "tunnel-client");
        assertThat(visitor.get("/echo/x").statusCode()).isEqualTo(200);

        HttpResponse<String> out = visitor.get("/.burrow/logout");

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(visitor.get("/echo/x").statusCode()).isEqualTo(302);
        assertThat(List.copyOf(tunnel.upstream.requested)).containsExactly("/echo/x");
    }
}
