package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.EdgeCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burrow diagnose} against a real edge and a real local service, each step as a user reads it. */
class DiagnoseCommandTest {
    @TempDir
    static Path edgeDir;

    @TempDir
    Path dir;

    private static Edge edge;
    private static String token;
    private static HttpServer upstream;

    @BeforeAll
    static void start() throws IOException {
        edge = Edge.start(EdgeConfig.builder("example.test", edgeDir)
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        token = edge.store().tokens().create("laptop").token();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.stop(0);
        edge.close();
    }

    private Cli.Result diagnose(String... more) {
        List<String> args = new ArrayList<>(List.of("diagnose", "--config",
                dir.resolve("burrow.yml").toString(), "--timeout", "3s"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void everyStepPassesAgainstAHealthyEdgeAndService() {
        Cli.Result result = diagnose("--server", "127.0.0.1:" + edge.agentAddress().getPort(),
                "--server-fingerprint", edge.certificateFingerprint(), "--authtoken", token,
                "http://127.0.0.1:" + upstream.getAddress().getPort());

        assertThat(result.exitCode()).as(result.out()).isZero();
        assertThat(result.out().lines()).extracting(line -> line.substring(0, line.indexOf(':'))).containsExactly(
                "ok    config file", "ok    authtoken", "ok    edge DNS name", "ok    edge port",
                "ok    edge certificate", "ok    clock", "ok    authtoken at the edge", "ok    local service");
        assertThat(result.out()).contains("accepted by edge edge-1", "GET / answered 204",
                "SHA-256 fingerprint " + edge.certificateFingerprint());
    }

    @Test
    void aCaThatDidNotIssueTheEdgesCertificateFailsThereAndShowsWhatTheEdgePresents() {
        Path otherCa = dir.resolve("other");
        EdgeCertificate.loadOrCreateSelfSigned(otherCa, List.of("example.test"));

        Cli.Result result = diagnose("--server", "127.0.0.1:" + edge.agentAddress().getPort(),
                "--server-ca", otherCa.resolve("edge-cert.pem").toString(), "--authtoken", token);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL  edge certificate: not trusted by CAs from "
                + otherCa.resolve("edge-cert.pem") + ": ")
                .contains("it presents subject CN=example.test", edge.certificateFingerprint())
                .contains("skip  authtoken at the edge: the edge was not reached over trusted TLS");
    }

    @Test
    void aClosedPortARevokedTokenAndADownServiceAreEachNamed() throws IOException {
        int closed = closedPort();
        Cli.Result refused = diagnose("--server", "127.0.0.1:" + closed, "--server-fingerprint",
                edge.certificateFingerprint(), "--authtoken", token);
        String revoked = edge.store().tokens().create("gone").token();
        edge.store().tokens().revoke("gone");
        Cli.Result unauthorized = diagnose("--server", "127.0.0.1:" + edge.agentAddress().getPort(),
                "--server-fingerprint", edge.certificateFingerprint(), "--authtoken", revoked,
                "127.0.0.1:" + closed);

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).contains("FAIL  edge port: 127.0.0.1:" + closed + ": connection refused",
                "skip  edge certificate");
        assertThat(unauthorized.exitCode()).isEqualTo(1);
        assertThat(unauthorized.out()).contains("ok    edge certificate", "FAIL  authtoken at the edge: auth_failed",
                "FAIL  local service: http://127.0.0.1:" + closed + ": connection refused");
    }
}
