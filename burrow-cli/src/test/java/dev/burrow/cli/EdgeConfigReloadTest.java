package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.tls.ServerTrust;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burrow edge --config FILE} as an operator runs it: settings from the file, plans reloaded on SIGHUP. */
class EdgeConfigReloadTest {
    @TempDir
    Path dir;

    private String config(int tunnels, String httpAddr) {
        return """
                version: 1
                domain: example.test
                agent_addr: 127.0.0.1:0
                admin_addr: 127.0.0.1:0
                http_addr: %s
                data_dir: %s
                log_level: info
                plans:
                  free:
                    tunnels: %d
                """.formatted(httpAddr, dir.resolve("data"), tunnels);
    }

    @Test
    void theEdgeRunsOnItsFileAndASighupAppliesNewPlansAtOnce() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, config(1, "127.0.0.1:0"));
        Process edge = BurrowProcess.start(dir, "edge", "--config", file.toString());
        try (BufferedReader out = BurrowProcess.stdout(edge)) {
            int agentPort = Integer.parseInt(BurrowProcess.awaitLine(out, Pattern.compile("agent port: (\\d+)"))
                    .group(1));
            String fingerprint = BurrowProcess.awaitLine(out, Pattern.compile("certificate sha256: (\\S+)"))
                    .group(1);
            String token = Cli.run("edge", "--config", file.toString(), "token", "create", "--name", "laptop")
                    .out().strip();
            try (Agent agent = Agent.builder().edge("127.0.0.1", agentPort).authtoken(token)
                    .trust(ServerTrust.fingerprint(fingerprint)).build().start()) {
                agent.http(HttpTunnelOptions.to("1").withSubdomain("one"));
                assertThatThrownBy(() -> agent.http(HttpTunnelOptions.to("1").withSubdomain("two")))
                        .isInstanceOfSatisfying(AgentException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));

                Files.writeString(file, config(2, "127.0.0.1:1"));
                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(edge.pid())).start();
                assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

                await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("plans reloaded"));
                assertThat(agent.http(HttpTunnelOptions.to("1").withSubdomain("two")).url())
                        .startsWith("http://two.example.test:");
                assertThat(stderr()).contains("these changes apply at the next start: --http-addr=127.0.0.1:1\"")
                        .doesNotContain("(removed)");
                assertThat(edge.isAlive()).isTrue();
            }
        } finally {
            edge.destroyForcibly();
        }
    }

    private String stderr() throws Exception {
        return Files.readString(dir.resolve("stderr.txt"));
    }
}
