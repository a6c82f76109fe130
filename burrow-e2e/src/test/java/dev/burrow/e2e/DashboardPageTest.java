package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.Usage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The edge's dashboard in a real headless Chromium, against a real edge with its admin listener and real agents:
 * the login, figures that change without a reload, and the page's actions taking effect on the agents. A screenshot
 * of the logged-in page goes to target/screenshots.
 */
class DashboardPageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How soon an agent is cut off once its session, token or account is ended from the page. */
    private static final Duration CUT_OFF = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AdminClient admin;
    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir, AdminClient.listening(settings -> settings));
        upstream = new TestUpstream();
        admin = new AdminClient(harness.edge.adminAddress());
        browser = Chromium.start(dataDir);
        // The tables are refreshed every 2 s: an element found just before a refresh may be gone when used.
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        harness.close();
        upstream.close();
    }

    private Agent serving(String token, String subdomain) {
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain));
        return agent;
    }

    private void open() {
        browser.get("http://127.0.0.1:" + harness.edge.adminAddress().getPort() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
    }

    private void logIn(String token) {
        var field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("login-submit")).click();
    }

    private void loggedIn() {
        open();
        logIn(AdminClient.TOKEN);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("section-sessions")));
    }

    /** The cell of {@code column} in the row of {@code section} whose {@code keyColumn} shows {@code keyText}. */
    private static By cell(String section, String keyColumn, String keyText, String column) {
        return By.xpath("//section[@id='section-" + section + "']//tbody/tr[td[@data-column='" + keyColumn
                + "' and contains(., '" + keyText + "')]]/td[@data-column='" + column + "']");
    }

    private static By button(String section, String keyColumn, String keyText, String label) {
        return By.xpath("//section[@id='section-" + section + "']//tbody/tr[td[@data-column='" + keyColumn
                + "' and contains(., '" + keyText + "')]]//button[.='" + label + "']");
    }

    private void click(By target) {
        wait.until(ExpectedConditions.elementToBeClickable(target)).click();
    }

    /** Answers the page's question with its button labelled {@code label}. */
    private void confirm(String label, String question) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("confirm-text"), question));
        click(By.xpath("//dialog[@id='confirm']//button[.='" + label + "']"));
    }

    @Test
    void plansUsageReservedNamesAndDomainsAreShownAndANameIsReleasedFromThePage() {
        harness.edge.replacePlans(new Plans(Map.of("pro", new Plan("pro", 50, 10, null, null, 1_000_000L))));
        harness.edge.store().accounts().create("team", "pro");
        harness.edge.store().names().reserve("api", "team");
        harness.edge.store().domains().add("team", "app.customer.test");
        harness.edge.store().usage().add(List.of(new Usage("team", Usage.periodOf(Instant.now()), 12, 100_000,
                150_000)));

        loggedIn();

        wait.until(ExpectedConditions.textToBe(cell("plans", "name", "pro", "bandwidth"), "976.6 KiB"));
        wait.until(ExpectedConditions.textToBe(cell("plans", "name", "pro", "connections"), "no limit"));
        wait.until(ExpectedConditions.textToBe(cell("usage", "account", "team", "requests"), "12"));
        wait.until(ExpectedConditions.textToBe(cell("usage", "account", "team", "bandwidth"), "25% of 976.6 KiB"));
        wait.until(ExpectedConditions.textToBe(cell("names", "name", "api", "account"), "team"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(cell("domains", "domain", "app.customer.test",
                "status"), "awaits TXT _burrow-challenge.app.customer.test = burrow-verify="));

        click(button("names", "name", "api", "Release"));
        confirm("Release", "Release the name api?");

        wait.until(ExpectedConditions.numberOfElementsToBe(cell("names", "name", "api", "account"), 0));
        assertThat(harness.edge.store().names().list()).isEmpty();
    }

    @Test
    void theLoginRefusesAWrongTokenVisiblyAndAdmitsTheRightOne() {
        open();
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

        logIn("not-the-token");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"),
                "not the admin token"));
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

        logIn(AdminClient.TOKEN);

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard")));
        wait.until(ExpectedConditions.textToBe(By.id("ready"), "ready"));
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("logout")).isDisplayed()).isTrue();
    }

    @Test
    void aTunnelAppearsWithoutAReloadAndItsRequestCountRises() throws Exception {
        loggedIn();
        wait.until(ExpectedConditions.textToBe(By.id("counts"), "0 sessions · 0 tunnels"));

        serving(harness.token, "web");

        By requests = cell("tunnels", "url", "http://web.burrow.test:", "requests");
        wait.until(ExpectedConditions.textToBe(requests, "0"));
        wait.until(ExpectedConditions.textToBe(By.id("counts"), "1 session · 1 tunnel (http 1)"));
        assertThat(browser.findElement(cell("sessions", "token", "test-agent", "tunnels")).getText())
                .contains("http://web.burrow.test:");
        assertThat(browser.findElement(cell("sessions", "token", "test-agent", "remote")).getText())
                .startsWith("127.0.0.1:");
        for (int i = 0; i < 3; i++) {
            assertThat(harness.get("web.burrow.test", "/").statusCode()).isEqualTo(200);
        }

        wait.until(ExpectedConditions.textToBe(requests, "3"));
        assertThat(browser.findElement(cell("tunnels", "url", "http://web.burrow.test:", "bytes_out")).getText())
                .endsWith("B");
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve("edge-dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void endSessionEndsTheAgentsSession() {
        Agent agent = serving(harness.token, "gone");
        loggedIn();

        click(button("sessions", "token", "test-agent", "End session"));

        TunnelHarness.assertStoppedBy(agent, ErrorCode.SESSION_ENDED, "ended by the edge's operator", CUT_OFF);
        wait.until(ExpectedConditions.textToBe(By.id("counts"), "0 sessions · 0 tunnels"));
    }

    @Test
    void revokingATokenFromThePageEndsItsSession() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 201);
        String token = admin.json("POST", "/api/tokens", "{\"name\": \"laptop\", \"account\": \"team\"}", 201)
                .get("token").asText();
        Agent agent = serving(token, "laptop");
        Agent other = serving(harness.token, "other");
        loggedIn();

        click(button("tokens", "name", "laptop", "Revoke"));
        confirm("Revoke", "Revoke the token laptop of team?");

        TunnelHarness.assertStoppedBy(agent, ErrorCode.AUTH_REVOKED, "authtoken 'laptop' was revoked", CUT_OFF);
        assertThat(other.stopped()).isNotDone();
        wait.until(ExpectedConditions.textToBe(cell("tokens", "name", "laptop", "status"), "revoked"));
        assertThat(browser.findElements(button("tokens", "name", "laptop", "Revoke")))
                .allSatisfy(revoke -> assertThat(revoke.isDisplayed()).isFalse());
    }

    @Test
    void disablingAnAccountFromThePageEndsItsSessionAndEnablingItShowsSo() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 201);
        String token = admin.json("POST", "/api/tokens", "{\"name\": \"one\", \"account\": \"team\"}", 201)
                .get("token").asText();
        Agent agent = serving(token, "team");
        loggedIn();
        wait.until(ExpectedConditions.textToBe(cell("accounts", "name", "team", "tokens"), "one"));

        click(button("accounts", "name", "team", "Disable"));

        TunnelHarness.assertStoppedBy(agent, ErrorCode.AUTH_REVOKED, "account 'team' was disabled", CUT_OFF);
        wait.until(ExpectedConditions.textMatches(cell("accounts", "name", "team", "status"),
                Pattern.compile("disabled .*")));

        click(button("accounts", "name", "team", "Enable"));

        wait.until(ExpectedConditions.textToBe(cell("accounts", "name", "team", "status"), "enabled"));
        assertThat(admin.json("GET", "/api/accounts/team", null, 200).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void anApiErrorIsShownOnThePage() throws Exception {
        admin.json("POST", "/api/accounts", "{\"name\": \"team\"}", 201);
        loggedIn();
        click(button("accounts", "name", "team", "Delete"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));

        // Deleted by another operator while this one was asked to confirm.
        admin.json("DELETE", "/api/accounts/team", null, 200);
        confirm("Delete", "Delete the account team");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"),
                "Delete failed: no account named 'team'"));
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isTrue();
    }

    @Test
    void logoutReturnsToTheLoginFormLeavingNoDataAndTheCookieNoLongerWorks() throws Exception {
        loggedIn();
        wait.until(ExpectedConditions.textToBe(cell("tokens", "name", "test-agent", "status"), "active"));
        Cookie cookie = browser.manage().getCookieNamed("burrow_admin_session");
        assertThat(cookie).isNotNull();
        assertThat(admin.send(admin.request("/api/sessions").header("Cookie", cookie.getName() + "="
                + cookie.getValue())).statusCode()).isEqualTo(200);

        click(By.id("logout"));

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        wait.until(ExpectedConditions.textToBe(By.id("login-message"), "You have logged out."));
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#dashboard td"))).isEmpty();
        HttpResponse<String> after = admin.send(admin.request("/api/sessions").header("Cookie",
                cookie.getName() + "=" + cookie.getValue()));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(AdminClient.parse(after.body()).get("error").get("code").asText()).isEqualTo("unauthorized");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
    }

    @Test
    void aSessionEndedElsewhereReturnsThePageToTheLoginForm() throws Exception {
        loggedIn();
        Cookie cookie = browser.manage().getCookieNamed("burrow_admin_session");
        String csrf = admin.send(admin.request("/session").header("Cookie", cookie.getName() + "="
                + cookie.getValue())).body();

        // As when it expires: the session is gone, and the page finds out at its next refresh.
        assertThat(admin.send(admin.request("/logout").header("Cookie", cookie.getName() + "=" + cookie.getValue())
                .header("X-Burrow-CSRF", AdminClient.parse(csrf).get("csrf").asText())
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        wait.until(ExpectedConditions.textToBe(By.id("login-message"), "Your session has ended: log in again."));
    }
}
