package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.TokenScope;
import dev.burrow.tls.EdgeCertificate;
import dev.burrow.tls.ServerTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the edge, the agent or the local service, each a JVM of its own, while a download and an upload run
 * through the tunnel: no cut response passes for a whole one, no upload the service answered for arrived short, and
 * what survives recovers by itself.
 */
class KillNineTest {
    private static final Pattern PORT = Pattern.compile("port: (\\d+)");
    private static final Pattern AGENT_PORT = Pattern.compile("agent port: (\\d+)");
    private static final Pattern HTTP_PORT = Pattern.compile("http port: (\\d+)");
    private static final Pattern FORWARDING = Pattern.compile("Forwarding +http://\\S+ -> .*");
    /** Far more than the buffers between client and service hold, so a kill always lands mid-transfer. */
    private static final long SIZE = 1L << 30;
    /**
     * Descriptors this JVM may open for itself during a test and keep: jars of classes first loaded by it, the HTTP
     * client's selector (closed only when the client is collected) and the pipes of processes not yet reaped. A
     * leak under these transfers would be one per connection, and the test makes only a handful.
     */
    private static final int FD_TOLERANCE = 24;
    /**
     * The edge and agent processes track every buffer, as the test JVM does (surefire's argLine), and log a leak to
     * their stderr, which the test reads; a leak shows once the buffer is collected, so a short run may not show it.
     */
    private static final List<String> PARANOID = List.of("-Dio.netty.leakDetection.level=paranoid");

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int openFilesBefore = openFiles();
    private Path data;
    private String token;
    private String rivalToken;
    private int agentPort;
    private int httpPort;
    private Process edge;
    private Process upstream;
    private int upstreamPort;
    /** What the service printed after starting: a line for each upload it answered. */
    private final Queue<String> uploads = new ConcurrentLinkedQueue<>();
    /** The subdomain of the tunnel the transfers go through. */
    private String tunnel;

    @BeforeEach
    void store() {
        data = dir.resolve("edge");
        try (JdbcStore store = JdbcStore.openSqlite(data)) {
            store.accounts().create("team", "free");
            store.accounts().create("rival", "free");
            token = store.tokens().create("team", "laptop", TokenScope.ANY).token();
            rivalToken = store.tokens().create("rival", "theirs", TokenScope.ANY).token();
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path stderr : files.filter(f -> f.getFileName().toString().equals("stderr.txt")).toList()) {
                assertThat(Files.readString(stderr)).as("%s", stderr).doesNotContain("LEAK:");
            }
        }
        for (Process process : processes) {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(openFiles())
                .as("open files, %d before the test", openFilesBefore)
                .isLessThanOrEqualTo(openFilesBefore + FD_TOLERANCE));
    }

    private static int openFiles() {
        String[] fds = Path.of("/proc/self/fd").toFile().list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void theEdgeKilledCutsWhatItCarriedAndTheAgentGetsItsNameBackFromTheNextOne() throws Exception {
        startUpstream(0);
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket h = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            agentPort = a.getLocalPort();
            httpPort = h.getLocalPort();
        }
        // Fixed ports, free a moment ago: the edge started again must be where the agent dials and clients go.
        startEdge("2m");
        startAgent(token, "kept");
        Process agent = processes.get(processes.size() - 1);
        InputStream sized = downloading("/bytes/" + SIZE);
        InputStream chunked = downloading("/chunked/" + SIZE);
        CompletableFuture<HttpResponse<String>> upload = uploading();

        kill(edge);

        assertCutShort(sized);
        assertCutShort(chunked);
        assertUploadAnsweredOnlyWhole(upload);
        startEdge("2m");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(
                () -> assertThat(get("kept", "/bytes/10").statusCode()).isEqualTo(200));
        assertThat(agent.isAlive()).as("the agent that lost its edge").isTrue();
    }

    @Test
    void theAgentKilledCutsWhatItCarriedAndTheEdgeFreesItsNameAfterTheGrace() throws Exception {
        startUpstream(0);
        agentPort = 0;
        httpPort = 0;
        startEdge("2s");
        startAgent(token, "orphan");
        InputStream sized = downloading("/bytes/" + SIZE);
        InputStream chunked = downloading("/chunked/" + SIZE);
        CompletableFuture<HttpResponse<String>> upload = uploading();
        Process agent = processes.get(processes.size() - 1);

        kill(agent);

        assertCutShort(sized);
        assertCutShort(chunked);
        assertUploadAnsweredOnlyWhole(upload);
        assertThat(get("orphan", "/bytes/10").statusCode()).isEqualTo(503);
        // Held for the team's account for the 2 s grace, then another account's agent may bind it.
        try (Agent rival = Agent.builder().edge("127.0.0.1", agentPort).authtoken(rivalToken)
                .trust(ServerTrust.fingerprint(fingerprint())).build().start()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> rival.http(
                    HttpTunnelOptions.to(Integer.toString(upstreamPort)).withSubdomain("orphan")));
            assertThat(get("orphan", "/bytes/10").statusCode()).isEqualTo(200);
        }
        assertThat(edge.isAlive()).isTrue();
    }

    @Test
    void theServiceKilledCutsWhatItSentAndServesAgainThroughTheSameTunnelOnceRestarted() throws Exception {
        startUpstream(0);
        agentPort = 0;
        httpPort = 0;
        startEdge("2m");
        startAgent(token, "service");
        Process agent = processes.get(processes.size() - 1);
        InputStream sized = downloading("/bytes/" + SIZE);
        InputStream chunked = downloading("/chunked/" + SIZE);
        CompletableFuture<HttpResponse<String>> upload = uploading();

        kill(upstream);

        assertCutShort(sized);
        assertCutShort(chunked);
        assertUploadAnsweredOnlyWhole(upload);
        assertThat(get("service", "/bytes/10").statusCode()).isEqualTo(502);
        startUpstream(upstreamPort);
        assertThat(get("service", "/bytes/10").statusCode()).isEqualTo(200);
        assertThat(agent.isAlive()).isTrue();
        assertThat(edge.isAlive()).isTrue();
    }

    private void startUpstream(int port) throws IOException {
        upstream = ByteServer.start(port, dir.resolve("upstream-stderr.txt"));
        processes.add(upstream);
        BufferedReader out = BurrowProcess.stdout(upstream);
        upstreamPort = Integer.parseInt(BurrowProcess.awaitLine(out, PORT).group(1));
        readOn(out, uploads);
    }

    /** Reads a process's stdout into {@code lines} until it ends, so that a full pipe never stalls the process. */
    private static void readOn(BufferedReader out, Queue<String> lines) {
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process was killed: its lines so far are all there is.
            }
        }, "process-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void startEdge(String nameGrace) throws IOException {
        Path edgeDir = Files.createDirectories(dir.resolve("edge-run-" + processes.size()));
        edge = BurrowProcess.start(List.of(), PARANOID, edgeDir, "edge", "--domain", "example.test", "--data-dir", data.toString(),
                "--agent-addr", "127.0.0.1:" + agentPort, "--http-addr", "127.0.0.1:" + httpPort,
                "--admin-addr", "127.0.0.1:0", "--name-grace", nameGrace, "--log-level", "warn");
        processes.add(edge);
        BufferedReader out = BurrowProcess.stdout(edge);
        agentPort = Integer.parseInt(BurrowProcess.awaitLine(out, AGENT_PORT).group(1));
        httpPort = Integer.parseInt(BurrowProcess.awaitLine(out, HTTP_PORT).group(1));
        readOn(out, new ConcurrentLinkedQueue<>());
    }

    private String fingerprint() {
        return EdgeCertificate.load(data.resolve("edge-cert.pem"), data.resolve("edge-key.pem")).sha256Fingerprint();
    }

    private void startAgent(String authtoken, String subdomain) throws IOException {
        tunnel = subdomain;
        Path agentDir = Files.createDirectories(dir.resolve("agent-" + subdomain));
        Process agent = BurrowProcess.start(List.of(), PARANOID, agentDir, "http", Integer.toString(upstreamPort), "--subdomain", subdomain,
                "--server", "127.0.0.1:" + agentPort, "--server-fingerprint", fingerprint(),
                "--authtoken", authtoken, "--config", agentDir.resolve("burrow.yml").toString(),
                "--log-level", "warn");
        processes.add(agent);
        BufferedReader out = BurrowProcess.stdout(agent);
        BurrowProcess.awaitLine(out, FORWARDING);
        readOn(out, new ConcurrentLinkedQueue<>());
    }

    private HttpRequest.Builder request(String subdomain, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Host", subdomain + ".example.test").timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(String subdomain, String path) throws IOException, InterruptedException {
        return client.send(request(subdomain, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A download through the tunnel under way: its status and first bytes have arrived. */
    private InputStream downloading(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(request(tunnel, path).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream body = response.body();
        assertThat(body.readNBytes(64 * 1024)).hasSize(64 * 1024);
        return body;
    }

    /** A chunked upload of {@link #SIZE} bytes through the tunnel, a megabyte of it sent. */
    private CompletableFuture<HttpResponse<String>> uploading() {
        AtomicLong sent = new AtomicLong();
        InputStream body = new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long left = SIZE - sent.get();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                sent.addAndGet(n);
                return n;
            }
        };
        CompletableFuture<HttpResponse<String>> upload = client.sendAsync(request(tunnel, "/count")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > (1 << 20));
        return upload;
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status of a process killed by SIGKILL").isEqualTo(128 + 9);
    }

    /**
     * Reads the rest of a download: it must fail, not end cleanly short of its length (Content-Length) or without
     * its last chunk (chunked); a read that stalls is a hang, and fails the test too.
     */
    private static void assertCutShort(InputStream body) throws Exception {
        CompletableFuture<Long> rest = CompletableFuture.supplyAsync(() -> {
            byte[] buf = new byte[64 * 1024];
            long total = 64 * 1024;
            try {
                for (int n = body.read(buf); n != -1; n = body.read(buf)) {
                    total += n;
                }
            } catch (IOException e) {
                throw new CompletionException(e);
            }
            return total;
        });
        try {
            assertThat(rest).failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
                    .isInstanceOf(IOException.class);
        } finally {
            body.close();
        }
    }

    /**
     * The upload fails (a broken connection, or a 502 from the edge that lost the agent or the service before it
     * answered) or is acknowledged for all of it; the service acknowledged no upload that it did not get whole.
     */
    private void assertUploadAnsweredOnlyWhole(CompletableFuture<HttpResponse<String>> upload) {
        await().atMost(Duration.ofSeconds(60)).until(upload::isDone);
        if (!upload.isCompletedExceptionally() && upload.join().statusCode() / 100 == 2) {
            assertThat(upload.join().body()).isEqualTo(Long.toString(SIZE));
        } else if (!upload.isCompletedExceptionally()) {
            assertThat(upload.join().statusCode()).isEqualTo(502);
        }
        assertThat(uploads).allSatisfy(line -> assertThat(line).isEqualTo("upload: " + SIZE));
    }
}
