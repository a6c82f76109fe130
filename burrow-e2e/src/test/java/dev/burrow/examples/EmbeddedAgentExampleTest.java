package dev.burrow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.ServerTrust;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a library, the way an application or a JUnit test would use it: give an in-JVM server a public URL,
 * call it, close it. Only public API is used here.
 */
class EmbeddedAgentExampleTest {

    @Test
    void exposeAnInJvmServerAndCallItThroughItsPublicUrl(@TempDir Path edgeData) throws Exception {
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = "hi from the app".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        app.start();

        EdgeConfig config = EdgeConfig.builder("example.test", edgeData)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build();
        try (Edge edge = Edge.start(config)) {
            String token = edge.store().tokens().create("example").token();

            try (Agent agent = Agent.builder()
                    .edge("127.0.0.1", edge.agentAddress().getPort())
                    .authtoken(token)
                    .trust(ServerTrust.fingerprint(edge.certificateFingerprint()))
                    .build()
                    .start()) {
                AgentTunnel tunnel = agent.http(HttpTunnelOptions.to("127.0.0.1:" + app.getAddress().getPort())
                        .withSubdomain("demo"));

                assertThat(tunnel.url()).isEqualTo("http://demo.example.test:" + edge.httpAddress().getPort());
                assertThat(get(edge.httpAddress(), "demo.example.test")).startsWith("HTTP/1.1 200 OK")
                        .endsWith("hi from the app");
            }
        } finally {
            app.stop(0);
        }
    }

    /** A plain HTTP/1.0-style exchange on a socket, with the tunnel's name as Host. */
    private static String get(InetSocketAddress edge, String host) throws Exception {
        try (Socket socket = new Socket(edge.getAddress(), edge.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
