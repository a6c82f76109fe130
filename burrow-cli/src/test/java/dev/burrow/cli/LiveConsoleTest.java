package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.ServerTrust;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live console drawing a real session on a terminal whose output the test reads. */
class LiveConsoleTest {
    @TempDir
    Path dir;
    Edge edge;
    HttpServer upstream;
    Agent agent;

    @BeforeEach
    void setUp() throws Exception {
        edge = Edge.start(EdgeConfig.builder("burrow.test", dir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0)).build());
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("no".getBytes(StandardCharsets.US_ASCII));
            }
        });
        upstream.start();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        upstream.stop(0);
        edge.close();
    }

    @Test
    void drawsTheSessionAndEachNewRequest() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Terminal terminal = TerminalBuilder.builder().system(false).type("xterm-256color")
                .streams(new ByteArrayInputStream(new byte[0]), screen).size(new Size(120, 30)).build();
        try (LiveConsole live = new LiveConsole(terminal)) {
            agent = Agent.builder().edge("127.0.0.1", edge.agentAddress().getPort())
                    .authtoken(edge.store().tokens().create("console").token())
                    .trust(ServerTrust.fingerprint(edge.certificateFingerprint()))
                    .inspect(ExchangeLog.withDefaults()).listener(live).build().start();
            AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.getAddress().getPort()))
                    .withSubdomain("tty"));

            live.show(agent, "http://127.0.0.1:4040");

            await().atMost(Duration.ofSeconds(10)).until(() -> drawn(screen).contains("online")
                    && drawn(screen).contains(tunnel.url()) && drawn(screen).contains("edge-1"));
            RawHttp.get(edge.httpAddress(), tunnel.url(), "/missing-page");
            await().atMost(Duration.ofSeconds(10)).until(() -> drawn(screen).contains("/missing-page")
                    && drawn(screen).contains("404"));
        }
    }

    private static String drawn(ByteArrayOutputStream screen) {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }
}
