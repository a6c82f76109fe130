package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.edge.TestCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP on {@code burrow edge} as systemctl reload or logrotate sends it: the process stays up and presents, to
 * connections made afterwards, the certificates its files hold now, while connections already open carry on.
 */
class EdgeHangupTest {
    private static final Pattern AGENT_PORT = Pattern.compile("agent port: (\\d+)");
    private static final Pattern HTTPS_PORT = Pattern.compile("https port: (\\d+)");
    private static final Duration RELOADED = Duration.ofSeconds(30);
    private static final String NO_TUNNEL = "nothing.example.test";

    @TempDir
    Path dir;

    private final TestCa ca = new TestCa("Hangup Test CA");
    private Path httpsCert;
    private Path httpsKey;
    private Path agentCert;
    private Path agentKey;

    @BeforeEach
    void paths() {
        httpsCert = dir.resolve("https-cert.pem");
        httpsKey = dir.resolve("https-key.pem");
        agentCert = dir.resolve("agent-cert.pem");
        agentKey = dir.resolve("agent-key.pem");
    }

    @Test
    void newConnectionsGetTheNewCertificatesAndOpenOnesCarryOn() throws Exception {
        TestCa.Leaf firstHttps = write(ca.issue("example.test", "*.example.test"), httpsCert, httpsKey);
        TestCa.Leaf firstAgent = write(ca.issue("localhost", "127.0.0.1"), agentCert, agentKey);
        Process process = startEdge();
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            int agentPort = port(out, AGENT_PORT);
            int httpsPort = port(out, HTTPS_PORT);
            assertThat(presented(httpsPort)).isEqualTo(firstHttps.certificate());
            assertThat(presented(agentPort)).isEqualTo(firstAgent.certificate());

            try (SSLSocket open = handshake(httpsPort)) {
                TestCa.Leaf nextHttps = write(ca.issue("example.test", "*.example.test"), httpsCert, httpsKey);
                TestCa.Leaf nextAgent = write(ca.issue("localhost", "127.0.0.1"), agentCert, agentKey);
                hangup(process);

                await().atMost(RELOADED).untilAsserted(() -> {
                    assertThat(presented(httpsPort)).isEqualTo(nextHttps.certificate());
                    assertThat(presented(agentPort)).isEqualTo(nextAgent.certificate());
                });
                assertThat(process.isAlive()).isTrue();
                assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(firstHttps.certificate());
                assertThat(askForNoTunnel(open)).startsWith("HTTP/1.1 404");
            }
            assertThat(stderr()).contains("certificates reloaded", "agent_sha256=", "https_expires=");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void filesThatNoLongerReadKeepTheOldCertificates() throws Exception {
        TestCa.Leaf firstHttps = write(ca.issue("example.test", "*.example.test"), httpsCert, httpsKey);
        TestCa.Leaf firstAgent = write(ca.issue("localhost", "127.0.0.1"), agentCert, agentKey);
        Process process = startEdge();
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            int agentPort = port(out, AGENT_PORT);
            int httpsPort = port(out, HTTPS_PORT);
            // The HTTPS key file now holds another certificate's key; the agent port's key file is gone.
            Files.writeString(httpsKey, ca.issue("example.test").keyPem());
            Files.delete(agentKey);
            hangup(process);

            await().atMost(RELOADED).untilAsserted(() -> assertThat(stderr())
                    .contains("does not belong to the first certificate", agentKey + ": no such file"));
            assertThat(stderr()).doesNotContain("stack=", "certificates reloaded");
            assertThat(presented(httpsPort)).isEqualTo(firstHttps.certificate());
            assertThat(presented(agentPort)).isEqualTo(firstAgent.certificate());
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void underNohupThroughTheLaunchersHangupStepSighupStillReloads() throws Exception {
        write(ca.issue("example.test", "*.example.test"), httpsCert, httpsKey);
        write(ca.issue("localhost", "127.0.0.1"), agentCert, agentKey);
        // What dist/lib/launch.bash does before java, then java as BurrowProcess runs it (the jar is not built yet).
        String script = "source " + Path.of("../dist/lib/launch.bash").toAbsolutePath() + "; burrow_hangup; exec"
                + " \"${BURROW_HANGUP[@]}\" \"$@\"";
        List<String> launcher = List.of("nohup", "bash", "-c", script, "launcher");
        Process process = startEdge(launcher);
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            port(out, HTTPS_PORT);
            hangup(process);

            await().atMost(RELOADED).untilAsserted(() -> assertThat(stderr())
                    .contains("SIGHUP: reading the certificate files again"));
            assertThat(stderr()).doesNotContain("SIGHUP was ignored");
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aCommandThatDoesNotReloadKeepsIgnoringHangupsAsNohupMeant() throws Exception {
        String script = "source " + Path.of("../dist/lib/launch.bash").toAbsolutePath() + "; burrow_hangup; exec"
                + " \"${BURROW_HANGUP[@]}\" \"$@\"";
        Process process = BurrowProcess.start(List.of("nohup", "bash", "-c", script, "launcher"), dir, "dev",
                "--http-port", "0", "--data-dir", dir.resolve("dev").toString());
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            BurrowProcess.awaitLine(out, Pattern.compile("Forwarding +http://\\S+ -> .*"));
            hangup(process);

            assertThat(process.waitFor(2, TimeUnit.SECONDS)).as("stopped by SIGHUP").isFalse();
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void anEdgeStartedWithSighupIgnoredSaysSoAndKeepsRunning() throws Exception {
        write(ca.issue("example.test", "*.example.test"), httpsCert, httpsKey);
        write(ca.issue("localhost", "127.0.0.1"), agentCert, agentKey);
        Process process = startEdge(List.of("nohup"));
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            port(out, HTTPS_PORT);
            hangup(process);

            await().atMost(RELOADED).untilAsserted(() -> assertThat(stderr())
                    .contains("SIGHUP was ignored when burrow started (as under nohup) and stays ignored"));
            assertThat(process.isAlive()).isTrue();
            assertThat(stderr()).doesNotContain("SIGHUP: reading");
        } finally {
            process.destroyForcibly();
        }
    }

    private Process startEdge() throws IOException {
        return startEdge(List.of());
    }

    private Process startEdge(List<String> launcher) throws IOException {
        return BurrowProcess.start(launcher, dir, "edge", "--domain", "example.test",
                "--data-dir", dir.resolve("data").toString(), "--agent-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--https-addr", "127.0.0.1:0",
                "--admin-addr", "127.0.0.1:0",
                "--cert", agentCert.toString(), "--key", agentKey.toString(),
                "--tls-cert", httpsCert.toString(), "--tls-key", httpsKey.toString());
    }

    private static TestCa.Leaf write(TestCa.Leaf leaf, Path certFile, Path keyFile) throws IOException {
        Files.writeString(certFile, leaf.chainPem());
        Files.writeString(keyFile, leaf.keyPem());
        return leaf;
    }

    private static int port(BufferedReader out, Pattern line) throws IOException {
        return Integer.parseInt(BurrowProcess.awaitLine(out, line).group(1));
    }

    private static void hangup(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** The leaf a new connection to {@code port} is shown. */
    private X509Certificate presented(int port) throws IOException {
        try (SSLSocket socket = handshake(port)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /**
     * A TLS connection to {@code port} on loopback, asking for {@value #NO_TUNNEL}, that trusts the test CA; names go
     * unchecked.
     */
    private SSLSocket handshake(int port) throws IOException {
        SSLSocket socket = (SSLSocket) trustingCa().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(NO_TUNNEL)));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private SSLContext trustingCa() {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca.certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status line the edge answers a request for a name no tunnel holds with. */
    private static String askForNoTunnel(SSLSocket socket) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + NO_TUNNEL + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }
}
