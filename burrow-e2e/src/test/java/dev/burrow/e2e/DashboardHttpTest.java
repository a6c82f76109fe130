package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burrow.edge.admin.AuditLog;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's rules as a browser, or a page elsewhere, meets them over plain HTTP: the page's headers, the
 * session cookie's attributes, the CSRF token and Origin a change made with the cookie needs, sessions that are not
 * there, and the login under the admin token's throttle and body limit.
 */
class DashboardHttpTest {
    private static final String COOKIE = "burrow_admin_session";

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    AdminClient admin;
    LogLines audit;
    String origin;

    @BeforeEach
    void setUp() {
        audit = new LogLines(AuditLog.LOGGER);
        harness = new TunnelHarness(dataDir, AdminClient.listening(settings -> settings));
        admin = new AdminClient(harness.edge.adminAddress());
        origin = "http://127.0.0.1:" + harness.edge.adminAddress().getPort();
    }

    @AfterEach
    void tearDown() {
        audit.close();
        harness.close();
    }

    /** A logged-in session: its cookie, as a Cookie header's value, and its CSRF token. */
    private record Session(String cookie, String csrf) {
    }

    private HttpResponse<String> login(String token) throws Exception {
        return admin.send(admin.request("/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + token + "\"}")));
    }

    private Session loggedIn() throws Exception {
        HttpResponse<String> answer = login(AdminClient.TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return new Session(setCookie.substring(0, setCookie.indexOf(';')),
                AdminClient.parse(answer.body()).get("csrf").asText());
    }

    private HttpRequest.Builder createAccount(Session session, String name) {
        return admin.request("/api/accounts").header("Cookie", session.cookie())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}"));
    }

    private static String errorCode(HttpResponse<String> answer) throws Exception {
        return AdminClient.parse(answer.body()).get("error").get("code").asText();
    }

    @Test
    void thePageAndItsFilesNeedNoLoginAndForbidWhatThePageNeverDoes() throws Exception {
        HttpResponse<String> page = admin.send(admin.request("/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                "base-uri 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/dashboard.js\"></script>")
                .doesNotContain("<style", "style=", "onclick=", "<script>");

        HttpResponse<String> script = admin.send(admin.request("/ui/sections.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Content-Security-Policy")).hasValue(policy);
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = admin.send(admin.request("/ui/sections.js").header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        HttpResponse<String> data = admin.send(admin.request("/api/sessions"));
        assertThat(data.statusCode()).isEqualTo(401);
        assertThat(admin.get("/api/sessions").headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void theLoginSetsAnHttpOnlySameSiteStrictCookieThatTheApiTakes() throws Exception {
        HttpResponse<String> answer = login(AdminClient.TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        List<String> attributes = List.of(answer.headers().firstValue("Set-Cookie").orElseThrow().split(";\\s*"));
        assertThat(attributes.get(0)).matches(COOKIE + "=[0-9a-f]{64}");
        assertThat(attributes.subList(1, attributes.size())).extracting(String::toLowerCase)
                .containsExactlyInAnyOrder("path=/", "httponly", "samesite=strict");
        JsonNode body = AdminClient.parse(answer.body());
        assertThat(body.get("csrf").asText()).hasSize(43);
        assertThat(body.get("session").asText()).matches("admin-session:[0-9a-f]{8}");

        HttpResponse<String> sessions = admin.send(admin.request("/api/sessions").header("Cookie",
                attributes.get(0)));
        assertThat(sessions.statusCode()).isEqualTo(200);
        assertThat(AdminClient.parse(sessions.body()).get("sessions")).isEmpty();
        HttpResponse<String> again = admin.send(admin.request("/session").header("Cookie", attributes.get(0)));
        assertThat(AdminClient.parse(again.body()).get("csrf").asText()).isEqualTo(body.get("csrf").asText());
        assertThat(audit.lines()).anySatisfy(line -> assertThat(line).containsEntry("actor", body.get("session")
                .asText()).containsEntry("action", "admin.login").containsEntry("outcome", "ok"));
    }

    @Test
    void loggedInOverHttpsThroughAProxyTheCookieIsSecure() throws Exception {
        String proxied = "https://127.0.0.1:" + harness.edge.adminAddress().getPort();
        HttpResponse<String> answer = admin.send(admin.request("/login").header("Content-Type", "application/json")
                .header("Origin", proxied)
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + AdminClient.TOKEN + "\"}")));

        assertThat(answer.statusCode()).isEqualTo(200);
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("; Secure");
        Session session = new Session(setCookie.substring(0, setCookie.indexOf(';')),
                AdminClient.parse(answer.body()).get("csrf").asText());
        assertThat(admin.send(createAccount(session, "one").header("X-Burrow-CSRF", session.csrf())
                .header("Origin", proxied)).statusCode()).isEqualTo(201);
    }

    @Test
    void aChangeWithTheCookieNeedsTheCsrfTokenAndNoForeignOrigin() throws Exception {
        Session session = loggedIn();

        HttpResponse<String> noToken = admin.send(createAccount(session, "one"));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(errorCode(noToken)).isEqualTo("csrf_failed");
        String other = (session.csrf().startsWith("A") ? "B" : "A") + session.csrf().substring(1);
        HttpResponse<String> wrongToken = admin.send(createAccount(session, "one").header("X-Burrow-CSRF", other));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = admin.send(createAccount(session, "one")
                .header("X-Burrow-CSRF", session.csrf()).header("Origin", "http://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(errorCode(foreign)).isEqualTo("origin_not_allowed");
        admin.json("GET", "/api/accounts/one", null, 404);

        HttpResponse<String> own = admin.send(createAccount(session, "one")
                .header("X-Burrow-CSRF", session.csrf()).header("Origin", origin));
        assertThat(own.statusCode()).isEqualTo(201);
        HttpResponse<String> noOrigin = admin.send(createAccount(session, "two")
                .header("X-Burrow-CSRF", session.csrf()));
        assertThat(noOrigin.statusCode()).isEqualTo(201);
        HttpResponse<String> delete = admin.send(admin.request("/api/accounts/two").header("Cookie", session.cookie())
                .DELETE());
        assertThat(delete.statusCode()).isEqualTo(403);

        assertThat(admin.send(admin.request("/api/sessions").header("Cookie", session.cookie())).statusCode())
                .isEqualTo(200);
        List<Map<String, String>> lines = audit.lines();
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("action", "accounts.create")
                        .containsEntry("outcome", "201")
                        .hasEntrySatisfying("actor", value -> assertThat(value).matches("admin-session:[0-9a-f]{8}")))
                .anySatisfy(line -> assertThat(line).containsEntry("action", "admin.authenticate")
                        .containsEntry("outcome", "origin_not_allowed"));
        // A page that refreshes every 2 s does not write a line each time.
        assertThat(lines).noneSatisfy(line -> assertThat(line).containsEntry("action", "sessions.list"));
    }

    @Test
    void anUnknownCookieIs401AndIsNotThrottledWhileTheBearerTokenStillWorks() throws Exception {
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> unknown = admin.send(admin.request("/api/tunnels")
                    .header("Cookie", COOKIE + "=" + "ab".repeat(32)));
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(errorCode(unknown)).isEqualTo("unauthorized");
            assertThat(AdminClient.parse(unknown.body()).get("error").get("message").asText())
                    .contains("log in again");
        }
        assertThat(admin.send(admin.request("/session").header("Cookie", COOKIE + "=nothing")).statusCode())
                .isEqualTo(401);
        assertThat(audit.lines()).anySatisfy(line -> assertThat(line).containsEntry("actor", "anonymous")
                .containsEntry("target", "/api/tunnels").containsEntry("outcome", "no_session"));

        assertThat(admin.send(admin.request("/api/tunnels").header("Authorization", "Bearer " + AdminClient.TOKEN)
                .header("Cookie", COOKIE + "=" + "ab".repeat(32))).statusCode()).isEqualTo(200);
        loggedIn();
    }

    @Test
    void logoutNeedsTheCsrfTokenAndEndsTheSession() throws Exception {
        Session session = loggedIn();
        HttpRequest.Builder logout = admin.request("/logout").header("Cookie", session.cookie())
                .POST(HttpRequest.BodyPublishers.noBody());

        assertThat(admin.send(logout).statusCode()).isEqualTo(403);
        HttpResponse<String> out = admin.send(admin.request("/logout").header("Cookie", session.cookie())
                .header("X-Burrow-CSRF", session.csrf()).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(cleared -> assertThat(cleared)
                .startsWith(COOKIE + "=;").containsIgnoringCase("Max-Age=0"));
        HttpResponse<String> after = admin.send(admin.request("/api/sessions").header("Cookie", session.cookie()));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(errorCode(after)).isEqualTo("unauthorized");
    }

    @Test
    void wrongTokensAtTheLoginAreThrottledAndAuditedAsBearerFailuresAre() throws Exception {
        // Five failures at once from an address, as with the bearer token: the fifth leaves no room and says so.
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> wrong = login("wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(errorCode(wrong)).isEqualTo("unauthorized");
        }
        HttpResponse<String> throttled = login("wrong");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(errorCode(throttled)).isEqualTo("rate_limited");
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();

        assertThat(login(AdminClient.TOKEN).statusCode()).isEqualTo(429);
        assertThat(admin.get("/api/tunnels").statusCode()).isEqualTo(429);
        assertThat(audit.lines()).filteredOn(line -> "/login".equals(line.get("target")))
                .extracting(line -> line.get("outcome"))
                .containsExactly("rejected", "rejected", "rejected", "rejected", "rate_limited", "rate_limited");
        assertThat(audit.lines()).filteredOn(line -> "/login".equals(line.get("target")))
                .allSatisfy(line -> assertThat(line).containsEntry("actor", "anonymous")
                        .containsEntry("action", "admin.authenticate"));
    }

    @Test
    void theLoginRefusesAForeignOriginABodyOverTheLimitAndWhatIsNotJson() throws Exception {
        HttpResponse<String> foreign = admin.send(admin.request("/login").header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + AdminClient.TOKEN + "\"}")));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> tooLarge = login("a".repeat(70 * 1024));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(errorCode(tooLarge)).isEqualTo("body_too_large");

        HttpResponse<String> form = admin.send(admin.request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + AdminClient.TOKEN)));
        assertThat(form.statusCode()).isEqualTo(415);
        HttpResponse<String> unknownField = admin.send(admin.request("/login").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"password\": \"x\"}")));
        assertThat(unknownField.statusCode()).isEqualTo(400);
        HttpResponse<String> get = admin.send(admin.request("/login"));
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        assertThat(login(AdminClient.TOKEN).statusCode()).isEqualTo(200);
    }
}
