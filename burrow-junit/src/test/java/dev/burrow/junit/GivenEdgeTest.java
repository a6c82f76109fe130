package dev.burrow.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.ServerTrust;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The extension connected to an edge that runs apart from it, as a team's edge would in CI. */
class GivenEdgeTest {
    private static Edge edge;
    private static String token;

    @BeforeAll
    static void startEdge(@TempDir Path dataDir) {
        edge = Edge.start(EdgeConfig.builder("burrow.test", dataDir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        token = edge.store().tokens().create("ci").token();
    }

    @AfterAll
    static void stopEdge() {
        edge.close();
    }

    @Test
    void onlyAnAgentStartsAndItsTunnelIsGoneFromTheEdgeAfterTheClass() {
        TestExecutionSummary summary = Fixtures.run(OnTheTeamsEdge.class);

        StringWriter failures = new StringWriter();
        summary.printFailuresTo(new PrintWriter(failures), 20);
        assertThat(summary.getTotalFailureCount()).as(failures.toString()).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.tunnels().isEmpty());
        assertThat(edge.onClose()).isNotDone();
    }

    @Test
    void withoutAnAuthtokenTheClassFailsSayingWhereToPutOne() {
        TestExecutionSummary summary = Fixtures.run(WithoutAuthtoken.class);

        assertThat(summary.getFailures()).singleElement()
                .extracting(failure -> failure.getException().getMessage()).asString()
                .isEqualTo("no authtoken for the edge 127.0.0.1:1: set BURROW_AUTHTOKEN or call authtoken(...)");
    }

    static class OnTheTeamsEdge {
        static final AppServer app = AppServer.start();

        @RegisterExtension
        static BurrowTunnel tunnel = BurrowTunnel.to(app::port)
                .edge("127.0.0.1:" + edge.agentAddress().getPort())
                .authtoken(token)
                .trust(ServerTrust.fingerprint(edge.certificateFingerprint()))
                .subdomain("ci-run");

        @AfterAll
        static void stopApp() {
            app.close();
        }

        @Test
        void aRequestToTheEdgeReachesTheServer() throws Exception {
            assertThat(tunnel.url()).isEqualTo("http://ci-run.burrow.test:" + edge.httpAddress().getPort());
            assertThat(tunnel.proxy()).isEmpty();
            // A team's edge has its names in DNS; this one's are not, so the test routes them to it itself.
            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(edge.httpAddress())).build();

            HttpResponse<String> response = client.send(tunnel.request("/build").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from the app at /build");
        }
    }

    static class WithoutAuthtoken {
        @RegisterExtension
        static BurrowTunnel tunnel = BurrowTunnel.to(8080).edge("127.0.0.1:1").authtoken("");

        @Test
        void neverRuns() {
            assertThat(tunnel.url()).isNotEmpty();
        }
    }
}
