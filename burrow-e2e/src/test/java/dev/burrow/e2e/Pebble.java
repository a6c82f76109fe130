package dev.burrow.e2e;

import static org.awaitility.Awaitility.await;

import dev.burrow.edge.TestCa;
import dev.burrow.edge.domain.LoopbackDns;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pebble, the ACME test CA (Debian package {@code pebble}), in a child process on loopback ports: its HTTPS carries a
 * certificate from the test's own CA, its DNS look-ups go to a {@link LoopbackDns}, and its HTTP-01 validation goes to
 * the port the test names. It makes a new root CA each run; {@link #root()} fetches it.
 */
final class Pebble implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/pebble");

    private final Path dir;
    private final TestCa tlsCa;
    private final LoopbackDns dns;
    private final Path log;
    private final int acmePort;
    private final int managementPort;
    private HttpClient management;
    private Process process;

    /**
     * Picks Pebble's ports, so that its directory URL is known before the edge it validates starts; {@link #start}
     * runs it.
     *
     * @param tlsCa the CA that signs Pebble's own HTTPS certificate; clients of Pebble trust it
     */
    Pebble(Path dir, TestCa tlsCa, LoopbackDns dns) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package pebble (.ci/run does)");
        }
        this.dir = dir;
        this.tlsCa = tlsCa;
        this.dns = dns;
        this.log = dir.resolve("pebble.log");
        acmePort = freePort();
        managementPort = freePort();
    }

    /** Starts Pebble, sending HTTP-01 validation requests to {@code httpPort}, and waits until it answers. */
    void start(int httpPort) throws IOException {
        Path cert = dir.resolve("pebble-cert.pem");
        Path key = dir.resolve("pebble-key.pem");
        tlsCa.issue("localhost", "127.0.0.1").write(cert, key);
        Path config = dir.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": false
                }}
                """.formatted(acmePort, managementPort, cert, key, httpPort, httpPort));
        ProcessBuilder builder = new ProcessBuilder(BINARY.toString(), "-config", config.toString(),
                "-dnsserver", "127.0.0.1:" + dns.port())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        builder.environment().put("PEBBLE_VA_ALWAYS_VALID", "0");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        process = builder.start();
        management = HttpClient.newBuilder().sslContext(trusting(tlsCa.certificate))
                .connectTimeout(Duration.ofSeconds(5)).build();
        await("pebble's management port").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> get("/roots/0").statusCode() == 200);
    }

    URI directory() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    /** The root this run of Pebble issues under. */
    X509Certificate root() throws Exception {
        HttpResponse<String> response = get("/roots/0");
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(response.body().getBytes(StandardCharsets.US_ASCII)));
    }

    /** What Pebble printed, for failure messages. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no pebble log: " + e + ")";
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return management.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static SSLContext trusting(X509Certificate anchor) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(anchor), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trust managers that trust {@code anchor} alone. */
    static TrustManager[] trustManagers(X509Certificate anchor) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("anchor", anchor);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            return trust.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
