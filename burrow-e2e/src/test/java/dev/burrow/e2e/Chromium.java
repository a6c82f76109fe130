package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium driven through chromium-driver, as the browser tests use it (.ci/run installs both). */
final class Chromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** A fresh browser profile under {@code dataDir}; {@code arguments} are added to the command line. */
    static ChromeDriver start(Path dataDir, String... arguments) {
        assertThat(BINARY).as("Debian's chromium (.ci/run installs it)").isExecutable();
        assertThat(DRIVER).as("Debian's chromium-driver (.ci/run installs it)").isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--user-data-dir=" + dataDir.resolve("chromium"),
                "--window-size=1400,900");
        options.addArguments(List.of(arguments));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 900));
        return browser;
    }
}
