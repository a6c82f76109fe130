package dev.burrow.e2e;

import static dev.burrow.e2e.LoopbackGitHub.email;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oauth action with provider github end to end: a real edge and agent, GitHub's OAuth 2.0 web flow against a
 * real OAuth 2.0 server on loopback at Enterprise Server's paths ({@link LoopbackGitHub}: authorization with PKCE,
 * the token endpoint, the user API behind the access token), and a visitor that follows redirects as a browser does.
 */
class GitHubSignInTest {
    @TempDir
    Path dataDir;
    private SignInTunnel tunnel;
    private LoopbackGitHub github;
    private SignInVisitor visitor;

    @BeforeEach
    void setUp() throws IOException {
        tunnel = new SignInTunnel(dataDir);
        visitor = tunnel.visitor;
        github = new LoopbackGitHub();
    }

    @AfterEach
    void tearDown() {
        tunnel.close();
        github.close();
    }

    /** Binds the tunnel with an oauth rule; mock-oauth2-server, an OpenID server, wants openid among the scopes. */
    private void bind(String allow) {
        tunnel.bind("oauth", """
                provider: github
                github_url: "%s"
                client_id: tunnel-client
                client_secret: tunnel-secret
                scopes: [openid, "read:user", "user:email"]
                %s""".formatted(github.url(), allow));
    }

    @Test
    void aVisitorSignsInWithGitHubAndTheUpstreamSeesThePrimaryVerifiedEmailAndTheAccount() throws Exception {
        bind("");
        github.signInAs(4242, "ann-gh", null, List.of(email("ann@old.test", false, false),
                email("Ann@Example.test", true, true), email("ann@other.test", false, true)));

        HttpResponse<String> signedIn = visitor.signIn("/echo/private?x=1", "tunnel-client");

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("location"))
                .hasValue(tunnel.url("/echo/private?x=1"));
        assertThat(tunnel.upstream.requested).as("nothing reached the upstream while signing in").isEmpty();
        HttpResponse<String> page = visitor.get("/echo/private?x=1", "X-Burrow-User-Email", "mallory@evil.test",
                "X-Burrow-User-Login", "mallory", "X-Burrow-User-Subject", "github:1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().lines()).contains("h:x-burrow-user-email=ann@example.test",
                "h:x-burrow-user-subject=github:4242", "h:x-burrow-user-login=ann-gh")
                .noneMatch(line -> line.contains("mallory") || line.endsWith("=github:1"));
        assertThat(page.body()).as("the edge's cookies stay at the edge").doesNotContain("__burrow_");
        assertThat(visitor.cookies.keySet()).containsExactly("__burrow_github_session");
    }

    @Test
    void theAllowListsAdmitAnyVerifiedAddressAndTheUpstreamSeesTheOneAdmitted() throws Exception {
        bind("allow_domains: [example.test]");
        github.signInAs(7, "bob", null, List.of(email("bob@gmail.test", true, true),
                email("bob@example.test", false, true)));

        assertThat(visitor.signIn("/echo/x", "tunnel-client").statusCode()).isEqualTo(302);

        assertThat(visitor.get("/echo/x").body().lines()).contains("h:x-burrow-user-email=bob@example.test");
    }

    @Test
    void anAccountWhoseVerifiedEmailsAreNotAllowedIsRefused() throws Exception {
        bind("allow_emails: [ann@example.test]");
        github.signInAs(8, "eve", "ann@example.test", List.of(email("eve@example.test", true, true),
                email("ann@example.test", false, false)));

        HttpResponse<String> refused = visitor.signIn("/echo/x", "tunnel-client");

        assertThat(refused.statusCode()).as("an unverified address in the list, a public one that is not verified")
                .isEqualTo(403);
        assertThat(visitor.cookies).doesNotContainKey("__burrow_github_session");
        assertThat(tunnel.upstream.requested).isEmpty();
    }

    @Test
    void withoutTheEmailListThePublicEmailIsTheAccountsAddress() throws Exception {
        bind("allow_emails: [carol@example.test]");
        github.signInAs(9, "carol", "carol@example.test", null);

        assertThat(visitor.signIn("/echo/x", "tunnel-client").statusCode()).isEqualTo(302);

        assertThat(visitor.get("/echo/x").body().lines()).contains("h:x-burrow-user-email=carol@example.test",
                "h:x-burrow-user-subject=github:9");
    }

    @Test
    void anAccountWithoutAVerifiedEmailComesInWithoutOneAndCannotForgeOne() throws Exception {
        bind("");
        github.signInAs(11, "erin", null, List.of(email("erin@example.test", true, false)));

        assertThat(visitor.signIn("/echo/x", "tunnel-client").statusCode()).isEqualTo(302);
        HttpResponse<String> page = visitor.get("/echo/x", "X-Burrow-User-Email", "ann@example.test");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body().lines()).contains("h:x-burrow-user-subject=github:11")
                .noneMatch(line -> line.startsWith("h:x-burrow-user-email"));
    }

    @Test
    void aTamperedStateOrSignInCookieIsRefusedAndNothingIsTraded() throws Exception {
        bind("");
        HttpResponse<String> started = visitor.get("/echo/x");
        String state = java.net.URI.create(started.headers().firstValue("location").orElseThrow()).getQuery()
                .replaceAll(".*state=([^&]*).*", "$1");

        HttpResponse<String> otherState = visitor.get("/.burrow/oauth/callback?code=abc&state=" + state + "x");
        HttpResponse<String> noState = visitor.get("/.burrow/oauth/callback?code=abc");
        String cookie = visitor.cookies.get("__burrow_github_signin");
        visitor.cookies.put("__burrow_github_signin", cookie.substring(0, cookie.length() - 2) + "AA");
        HttpResponse<String> alteredCookie = visitor.get("/.burrow/oauth/callback?code=abc&state=" + state);
        visitor.cookies.put("__burrow_github_signin", "%%not-base64");
        HttpResponse<String> malformedCookie = visitor.get("/.burrow/oauth/callback?code=abc&state=" + state);
        visitor.cookies.clear();
        HttpResponse<String> noCookie = visitor.get("/.burrow/oauth/callback?code=abc&state=" + state);

        assertThat(List.of(otherState.statusCode(), noState.statusCode(), alteredCookie.statusCode(),
                malformedCookie.statusCode(), noCookie.statusCode())).containsOnly(401);
        assertThat(tunnel.upstream.requested).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        bind("");
        github.signInAs(10, "dan", "dan@example.test", null);
        visitor.signIn("/echo/x", "tunnel-client");
        assertThat(visitor.get("/echo/x").statusCode()).isEqualTo(200);

        HttpResponse<String> out = visitor.get("/.burrow/logout");

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(visitor.cookies).doesNotContainKey("__burrow_github_session");
        assertThat(visitor.get("/echo/x").statusCode()).isEqualTo(302);
        assertThat(List.copyOf(tunnel.upstream.requested)).containsExactly("/echo/x");
    }
}
