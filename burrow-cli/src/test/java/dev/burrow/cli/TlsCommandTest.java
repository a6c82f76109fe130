package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burrow tls} up to the edge's answer to its bind; tunnels themselves are covered in {@code TlsTunnelTest}. */
class TlsCommandTest {
    @TempDir
    Path dir;

    private Edge edge;

    @AfterEach
    void stopEdge() {
        edge.close();
    }

    private Cli.Result runAgainst(boolean servesTls, String... tunnel) {
        EdgeConfig.Builder config = EdgeConfig.builder("example.test", dir.resolve("edge"))
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0));
        if (servesTls) {
            config.tlsAddress(new InetSocketAddress("127.0.0.1", 0));
        }
        edge = Edge.start(config.build());
        String token = edge.store().tokens().create("test-agent").token();
        String[] connection = {"--server", "127.0.0.1:" + edge.agentAddress().getPort(),
            "--server-fingerprint", edge.certificateFingerprint(), "--authtoken", token,
            "--config", dir.resolve("burrow.yml").toString()};
        String[] args = new String[1 + tunnel.length + connection.length];
        args[0] = "tls";
        System.arraycopy(tunnel, 0, args, 1, tunnel.length);
        System.arraycopy(connection, 0, args, 1 + tunnel.length, connection.length);
        return Cli.run(args);
    }

    @Test
    void aHostnameOutsideTheEdgesDomainIsRefused() {
        Cli.Result result = runAgainst(true, "8443", "--hostname", "app.other.test");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.err()).startsWith("burrow: ").contains("not under this edge's domain").hasLineCount(1);
        assertThat(result.out()).doesNotContain("Forwarding");
    }

    @Test
    void anEdgeWithoutATlsAddressRefusesTheTunnel() {
        Cli.Result result = runAgainst(false, "8443", "--subdomain", "app");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.err()).contains("does not serve tls tunnels").hasLineCount(1);
    }
}
