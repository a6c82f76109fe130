package dev.burrow.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension on an instance field: an edge, an agent and a tunnel of its own for each test. */
class TestScopedTunnelTest {
    private AppServer app;

    @RegisterExtension
    BurrowTunnel tunnel = BurrowTunnel.to(() -> app.port()).subdomain("orders");

    @BeforeEach
    void startApp() {
        app = AppServer.start();
    }

    @AfterEach
    void stopApp() {
        app.close();
    }

    @Test
    void theTunnelHasTheNameItAskedFor() {
        assertThat(tunnel.url()).matches("http://orders\\.localhost:\\d+");
    }

    @Test
    void aPostReachesTheServerStartedForThisTest() throws Exception {
        HttpResponse<String> response = tunnel.client().send(
                tunnel.request("/orders").POST(HttpRequest.BodyPublishers.ofString("one")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from the app at /orders");
        assertThat(app.targets()).containsExactly("/orders");
    }
}
