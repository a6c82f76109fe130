package dev.burrow.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension on a static field, with the server started by a {@code @BeforeAll} method that runs after it starts. */
class ClassScopedTunnelTest {
    private static AppServer app;

    @RegisterExtension
    static BurrowTunnel tunnel = BurrowTunnel.to(() -> app.port());

    @BeforeAll
    static void startApp() {
        app = AppServer.start();
    }

    @AfterAll
    static void stopApp() {
        app.close();
    }

    @Test
    void aRequestToThePublicUrlReachesTheServerInThisJvm() throws Exception {
        HttpResponse<String> response = tunnel.client().send(tunnel.request("/hello?name=ann").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from the app at /hello?name=ann");
        assertThat(response.headers().firstValue("X-App")).hasValue("test");
        assertThat(app.targets()).contains("/hello?name=ann");
    }

    @Test
    void theUrlIsANameUnderLocalhostOnTheEmbeddedEdgesPort() {
        assertThat(tunnel.url()).matches("http://[a-z0-9-]+\\.localhost:\\d+")
                .endsWith(":" + tunnel.proxy().orElseThrow().getPort());
        assertThat(tunnel.uri("/a?b=c").toString()).isEqualTo(tunnel.url() + "/a?b=c");
    }

    @Test
    void aTestMayTakeTheTunnelAsAParameter(BurrowTunnel injected) throws Exception {
        assertThat(injected).isSameAs(tunnel);
        HttpResponse<String> response = injected.client().send(injected.request("/injected").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("hello from the app at /injected");
    }
}
