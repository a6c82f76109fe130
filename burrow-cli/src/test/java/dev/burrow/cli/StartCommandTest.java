package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.Tunnel;
import dev.burrow.tls.ServerTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code burrow start} as a script runs it: a separate JVM reading a config file of named tunnels, reloading it on
 * SIGHUP, against a real edge and a real local service.
 */
class StartCommandTest {
    private static final Pattern FORWARDING = Pattern.compile("Forwarding +(http://\\S+) -> \\S+ +\\((\\S+)\\)");

    @TempDir
    Path dir;
    Edge edge;
    HttpServer upstream;
    Path config;
    String token;

    @BeforeEach
    void setUp() throws IOException {
        edge = Edge.start(EdgeConfig.builder("burrow.test", dir.resolve("edge"))
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        token = edge.store().tokens().create("start-test").token();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.createContext("/", exchange -> {
            byte[] body = "served".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        config = dir.resolve("burrow.yml");
    }

    @AfterEach
    void tearDown() {
        upstream.stop(0);
        edge.close();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void startsEveryNamedTunnelOverOneConnectionAndAppliesAChangedFileOnSighup() throws Exception {
        writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web",
                "  docs:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: docs");
        Process process = BurrowProcess.start(dir, "start", "--all", "--config", config.toString(), "--log-level", "warn",
                "--inspect-addr", "127.0.0.1:0");
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            List<String> first = awaitForwarding(out, 2);
            String inspector = BurrowProcess.awaitLine(out, Pattern.compile("Inspector +(http://\\S+)")).group(1);

            assertThat(first).containsExactly("web http://web.burrow.test", "docs http://docs.burrow.test");
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(inspector + "/api/tunnels"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("http://web.burrow.test").contains("http://docs.burrow.test");
            assertThat(get("web.burrow.test")).startsWith("HTTP/1.1 200").endsWith("served");
            String session = onlySession();

            writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web",
                    "  docs:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: manual",
                    "  api:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: api");
            hangup(process);
            List<String> reloaded = awaitForwarding(out, 2);

            assertThat(reloaded).containsExactlyInAnyOrder("docs http://manual.burrow.test",
                    "api http://api.burrow.test");
            assertThat(get("manual.burrow.test")).startsWith("HTTP/1.1 200");
            assertThat(get("api.burrow.test")).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(get("docs.burrow.test")).startsWith("HTTP/1.1 503"));
            assertThat(onlySession()).as("the agent kept its connection").isEqualTo(session);

            writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web");
            hangup(process);
            assertThat(BurrowProcess.awaitLine(out, Pattern.compile("stopped +(\\S+)")).group(1)).isIn("docs", "api");
            assertThat(BurrowProcess.awaitLine(out, Pattern.compile("stopped +(\\S+)")).group(1)).isIn("docs", "api");
            // The edge frees a name when the agent's unbind arrives, just after the line.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(edge.tunnels())
                    .extracting(Tunnel::url).containsExactly("http://web.burrow.test:" + edge.httpAddress().getPort()));

            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aChangedTrafficPolicyIsAppliedOnSighupWithoutRebindingTheTunnel() throws Exception {
        writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web");
        Process process = BurrowProcess.start(dir, "start", "--all", "--config", config.toString(), "--log-level", "warn",
                "--inspect=false");
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            awaitForwarding(out, 1);
            String tunnelId = edge.tunnels().get(0).id();
            assertThat(get("web.burrow.test")).startsWith("HTTP/1.1 200");

            writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web",
                    "    traffic_policy:", "      on_http_request:", "        - actions: [{type: deny}]");
            hangup(process);

            assertThat(BurrowProcess.awaitLine(out, Pattern.compile("policy +(\\S+) updated")).group(1))
                    .isEqualTo("web");
            assertThat(get("web.burrow.test")).startsWith("HTTP/1.1 403");
            assertThat(edge.tunnels()).extracting(Tunnel::id).as("the same tunnel, never unbound")
                    .containsExactly(tunnelId);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aReloadWhoseNewNameIsRefusedSaysTheTunnelStaysStoppedAndAppliesTheRest() throws Exception {
        writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web");
        Process process = BurrowProcess.start(dir, "start", "--all", "--config", config.toString(), "--log-level", "warn",
                "--inspect=false");
        try (BufferedReader out = BurrowProcess.stdout(process);
             Agent squatter = Agent.builder().edge("127.0.0.1", edge.agentAddress().getPort())
                     .authtoken(edge.store().tokens().create("other").token())
                     .trust(ServerTrust.fingerprint(edge.certificateFingerprint())).build().start()) {
            awaitForwarding(out, 1);
            squatter.http(HttpTunnelOptions.to(Integer.toString(upstreamPort())).withSubdomain("taken"));

            writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: taken",
                    "  api:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: api");
            hangup(process);

            assertThat(awaitForwarding(out, 1)).containsExactly("api http://api.burrow.test");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stderr()).contains(
                    "burrow: web was stopped to apply its change and could not start again: hostname"
                            + " taken.burrow.test is already bound by another tunnel; it stays stopped until a"
                            + " reload starts it"));
            assertThat(stderr()).doesNotContain("config not reloaded");

            writeConfig("web:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: web2",
                    "  api:", "    proto: http", "    addr: " + upstreamPort(), "    subdomain: api");
            hangup(process);
            assertThat(awaitForwarding(out, 1)).containsExactly("web http://web2.burrow.test");
        } finally {
            process.destroyForcibly();
        }
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    @Test
    void aNameNotInTheFileIsAUsageErrorNamingTheOnesThatAre() throws Exception {
        writeConfig("web:", "    proto: http", "    addr: 8080");

        Cli.Result result = Cli.run("start", "wbe", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no tunnel named wbe").contains("it has web");
    }

    private void writeConfig(String... tunnelLines) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "authtoken: " + token,
                "server_addr: 127.0.0.1:" + edge.agentAddress().getPort(),
                "server_fingerprint: " + edge.certificateFingerprint(),
                "tunnels:"));
        for (String line : tunnelLines) {
            lines.add(line.startsWith(" ") ? line : "  " + line);
        }
        Files.writeString(config, String.join("\n", lines) + "\n");
    }

    private int upstreamPort() {
        return upstream.getAddress().getPort();
    }

    private String get(String host) throws IOException {
        return RawHttp.get(edge.httpAddress(), "http://" + host, "/");
    }

    private String onlySession() {
        Set<String> sessions = edge.tunnels().stream().map(t -> t.session().id()).collect(Collectors.toSet());
        assertThat(sessions).hasSize(1);
        return sessions.iterator().next();
    }

    private static void hangup(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** The next {@code count} Forwarding lines, as "name url-without-port". */
    private static List<String> awaitForwarding(BufferedReader out, int count) throws IOException {
        List<String> seen = new ArrayList<>();
        while (seen.size() < count) {
            Matcher line = BurrowProcess.awaitLine(out, FORWARDING);
            seen.add(line.group(2) + " " + line.group(1).replaceFirst(":\\d+$", ""));
        }
        return seen;
    }
}
