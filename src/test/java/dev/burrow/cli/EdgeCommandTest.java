package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.Edge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void domainIsRequired() {
        Cli.Result result = Cli.run("edge", "--data-dir", dataDir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("burrow: Missing required option: '--domain=DOMAIN'"
                + System.lineSeparator());
    }

    @Test
    void certificateNeedsItsKey() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--cert", "edge.pem");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--key").hasLineCount(1);
    }

    @Test
    void takenPortNamesTheOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                    "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:" + taken.getLocalPort());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("burrow: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (--http-addr): ").hasLineCount(1);
        }
    }

    @Test
    void startsAndPrintsPortsAndFingerprint() {
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--data-dir", dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0");
        StringWriter out = new StringWriter();

        try (Edge edge = command.start()) {
            EdgeCommand.printListening(edge, new PrintWriter(out));

            assertThat(out.toString().lines().toList()).containsExactly(
                    "agent port: " + edge.agentAddress().getPort(),
                    "http port: " + edge.httpAddress().getPort(),
                    "certificate sha256: " + edge.certificateFingerprint());
        }
    }

    @Test
    void aTlsAddressIsServedAndPrinted() {
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--data-dir", dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
                "--tls-addr", "127.0.0.1:0");
        StringWriter out = new StringWriter();

        try (Edge edge = command.start()) {
            EdgeCommand.printListening(edge, new PrintWriter(out));

            assertThat(edge.tlsAddress()).isNotNull();
            assertThat(out.toString().lines().toList()).containsExactly(
                    "agent port: " + edge.agentAddress().getPort(),
                    "http port: " + edge.httpAddress().getPort(),
                    "tls port: " + edge.tlsAddress().getPort(),
                    "certificate sha256: " + edge.certificateFingerprint());
        }
    }

    @Test
    void aTakenTlsPortNamesTheOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                    "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
                    "--tls-addr", "127.0.0.1:" + taken.getLocalPort());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("burrow: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (--tls-addr): ").hasLineCount(1);
        }
    }
}
