package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.Edge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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
    void theAdminTokenFileAndPublicMetricsNeedTheAdminListener() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "off",
                "--metrics-public");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--metrics-public needs the admin listener (--admin-addr)")
                .hasLineCount(1);
    }

    @Test
    void anAdminTokenFileIsReadAndAnEmptyOneRefused() throws IOException {
        Path empty = Files.writeString(dataDir.resolve("empty-token"), "\n");
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
                "--admin-token-file", empty.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--admin-token-file: " + empty + " is empty");
    }

    @Test
    void anAgentCertNameMustBeADnsNameAndIsForTheSelfSignedCertificateOnly() {
        Cli.Result notAName = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--agent-cert-name", "edge host");
        Cli.Result withCert = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--agent-cert-name", "edge.example.org", "--cert", "edge.pem", "--key", "edge-key.pem");

        assertThat(notAName.exitCode()).isEqualTo(2);
        assertThat(notAName.err()).isEqualTo("burrow: --agent-cert-name: 'edge host' is not a DNS name"
                + System.lineSeparator());
        assertThat(withCert.exitCode()).isEqualTo(2);
        assertThat(withCert.err()).contains("with --cert the certificate is yours").hasLineCount(1);
    }

    @Test
    void certificateNeedsItsKey() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--cert", "edge.pem");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--key").hasLineCount(1);
    }

    @Test
    void httpsNeedsASourceOfCertificates() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--https-addr", "127.0.0.1:0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("burrow: --https-addr needs certificates: --tls-cert/--tls-key or"
                + " --acme-directory" + System.lineSeparator());
    }

    @Test
    void givenCertificateAndAcmeExcludeEachOther() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--https-addr", "127.0.0.1:0", "--tls-cert", "c.pem", "--tls-key", "k.pem",
                "--acme-directory", "https://ca.example.test/dir");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("exclude each other").hasLineCount(1);
    }

    @Test
    void acmeNeedsAnHttpsListener() {
        Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                "--acme-directory", "https://ca.example.test/dir");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("burrow: --acme-directory needs --https-addr" + System.lineSeparator());
    }

    @Test
    void takenPortNamesTheOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                    "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:" + taken.getLocalPort(), "--admin-addr", "off");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("burrow: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (--http-addr): ").hasLineCount(1);
        }
    }

    @Test
    void startsAndPrintsPortsAndFingerprint() {
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--data-dir", dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0");
        StringWriter out = new StringWriter();

        try (Edge edge = command.start()) {
            EdgeCommand.printListening(edge, new PrintWriter(out));

            assertThat(out.toString().lines().toList()).containsExactly(
                    "agent port: " + edge.agentAddress().getPort(),
                    "http port: " + edge.httpAddress().getPort(),
                    "admin port: " + edge.adminAddress().getPort(),
                    "certificate sha256: " + edge.certificateFingerprint());
        }
    }

    @Test
    void aTlsAddressIsServedAndPrinted() {
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--data-dir", dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
                "--tls-addr", "127.0.0.1:0");
        StringWriter out = new StringWriter();

        try (Edge edge = command.start()) {
            EdgeCommand.printListening(edge, new PrintWriter(out));

            assertThat(edge.tlsAddress()).isNotNull();
            assertThat(out.toString().lines().toList()).containsExactly(
                    "agent port: " + edge.agentAddress().getPort(),
                    "http port: " + edge.httpAddress().getPort(),
                    "tls port: " + edge.tlsAddress().getPort(),
                    "admin port: " + edge.adminAddress().getPort(),
                    "certificate sha256: " + edge.certificateFingerprint());
        }
    }

    @Test
    void aTakenTlsPortNamesTheOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("edge", "--domain", "example.test", "--data-dir", dataDir.toString(),
                    "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
                    "--tls-addr", "127.0.0.1:" + taken.getLocalPort());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("burrow: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (--tls-addr): ").hasLineCount(1);
        }
    }

    @Test
    void startsWithAnAcmeCaAndPrintsTheHttpsPort() {
        // The CA is contacted only when a certificate is due, so none needs to run here.
        EdgeCommand command = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--data-dir", dataDir.toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
                "--https-addr", "127.0.0.1:0", "--acme-directory", "https://127.0.0.1:9/dir");
        StringWriter out = new StringWriter();

        try (Edge edge = command.start()) {
            EdgeCommand.printListening(edge, new PrintWriter(out));

            assertThat(out.toString().lines().toList()).containsExactly(
                    "agent port: " + edge.agentAddress().getPort(),
                    "http port: " + edge.httpAddress().getPort(),
                    "https port: " + edge.httpsAddress().getPort(),
                    "admin port: " + edge.adminAddress().getPort(),
                    "certificate sha256: " + edge.certificateFingerprint());
        }
    }
}
