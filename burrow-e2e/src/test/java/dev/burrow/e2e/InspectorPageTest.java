package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inspector page in a real headless Chromium (the system's, driven by the system's chromedriver): requests
 * appear without a reload, a JSON body is shown as JSON, and Replay adds the upstream's new answer. Screenshots of
 * the list and the detail go to target/screenshots (the ones in docs/ were taken this way).
 */
class InspectorPageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AgentTunnel tunnel;
    InspectorServer inspector;
    ChromeDriver browser;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        var agent = harness.startAgent(harness.agentBuilder().inspect(ExchangeLog.withDefaults()));
        tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("shop"));
        inspector = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", 0));
        browser = Chromium.start(dataDir);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (inspector != null) {
            inspector.close();
        }
        harness.close();
        upstream.close();
    }

    @Test
    void aRequestAppearsLiveItsJsonBodyIsShownAndReplayAddsTheNewAnswer() throws Exception {
        browser.get(inspector.url() + "/");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(ExpectedConditions.textMatches(By.id("status"), Pattern.compile("online.*")));
        String json = "{\"order\":{\"item\":\"socks\",\"quantity\":2},\"gift\":true}";

        HttpResponse<String> sent = harness.client.send(harness.request(tunnel.hostname(), "/echo/orders")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);

        // The list is redrawn on every update, so rows are found afresh each time.
        By row = By.xpath("//tbody/tr[td[contains(@class,'path') and contains(., '/echo/orders')]]");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.xpath(
                "//tbody/tr[td[contains(@class,'path') and contains(., '/echo/orders')]]/td[5]"), "200"));
        screenshot("inspector-list.png");
        browser.findElement(row).click();

        WebElement exchange = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("exchange")));
        wait.until(ExpectedConditions.textToBePresentInElement(exchange, "POST /echo/orders"));
        List<WebElement> keys = exchange.findElements(By.cssSelector(".json .key"));
        assertThat(keys).extracting(WebElement::getText).contains("\"order\"", "\"item\"", "\"quantity\"", "\"gift\"");
        assertThat(exchange.findElements(By.cssSelector(".json .str"))).extracting(WebElement::getText)
                .contains("\"socks\"");
        assertThat(exchange.getText()).contains("Response 200").contains("content-type").contains("application/json");
        screenshot("inspector-detail.png");

        browser.findElement(By.id("replay")).click();

        wait.until(ExpectedConditions.numberOfElementsToBe(row, 2));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("exchange"), "(replay of #"));
        assertThat(browser.findElement(By.cssSelector("#requests tbody")).getText()).contains("replay of #");
        assertThat(browser.findElement(By.id("exchange")).getText()).contains("Response 200");
    }

    private void screenshot(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
