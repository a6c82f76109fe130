package dev.burrow.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** What the extension starts and when it stops it, seen from outside the test classes that use it. */
class LifecycleTest {
    /** The embedded edge's public address that each fixture test saw, in the order they ran. */
    private static final List<InetSocketAddress> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forget() {
        seen.clear();
    }

    @Test
    void aStaticFieldsTunnelServesEveryTestOfItsClassAndItsNestedClassesThenStops() {
        assertPassed(Fixtures.run(ClassScoped.class), 3);

        assertThat(seen).hasSize(3);
        assertThat(new HashSet<>(seen)).hasSize(1);
        assertRefused(seen.get(0));
    }

    @Test
    void anInstanceFieldsTunnelServesOneTestThenStops() {
        assertPassed(Fixtures.run(TestScoped.class), 2);

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isNotEqualTo(seen.get(1));
        seen.forEach(LifecycleTest::assertRefused);
    }

    @Test
    void usingTheTunnelOutsideATestSaysHow() {
        BurrowTunnel tunnel = BurrowTunnel.to(8080);

        assertThatThrownBy(tunnel::url).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the tunnel is not running: register BurrowTunnel with @RegisterExtension");
    }

    private static void assertPassed(TestExecutionSummary summary, int tests) {
        StringWriter failures = new StringWriter();
        summary.printFailuresTo(new PrintWriter(failures), 20);
        assertThat(summary.getTotalFailureCount()).as(failures.toString()).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(tests);
    }

    private static void assertRefused(InetSocketAddress address) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.getOutputStream().write(0);
            }
        }).isInstanceOf(ConnectException.class);
    }

    private static void callThrough(BurrowTunnel tunnel, AppServer app) throws IOException, InterruptedException {
        HttpResponse<String> response = tunnel.client().send(tunnel.request("/").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(app.targets()).isNotEmpty();
        seen.add(tunnel.proxy().orElseThrow());
    }

    static class ClassScoped {
        static final AppServer app = AppServer.start();

        @RegisterExtension
        static BurrowTunnel tunnel = BurrowTunnel.to(app::port);

        @AfterAll
        static void stopApp() {
            app.close();
        }

        @Test
        void first() throws Exception {
            callThrough(tunnel, app);
        }

        @Test
        void second() throws Exception {
            callThrough(tunnel, app);
        }

        @Nested
        class Inner {
            @Test
            void nested() throws Exception {
                callThrough(tunnel, app);
            }
        }
    }

    static class TestScoped {
        private static AppServer app;

        @RegisterExtension
        BurrowTunnel tunnel = BurrowTunnel.to(() -> app.port());

        @BeforeAll
        static void startApp() {
            app = AppServer.start();
        }

        @AfterAll
        static void stopApp() {
            app.close();
        }

        @Test
        void first() throws Exception {
            callThrough(tunnel, app);
        }

        @Test
        void second() throws Exception {
            callThrough(tunnel, app);
        }
    }
}
