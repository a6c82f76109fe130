package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.Authtoken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    /** A token's shape, as 'burrow edge token create' prints one. */
    private static final String TOKEN = "brw_abcdef012345_" + "x".repeat(43);
    @TempDir
    Path dir;

    @Test
    void addAuthtokenWritesTheFileAndCheckPasses() throws IOException {
        Path config = dir.resolve("burrow/burrow.yml");

        Cli.Result added = Cli.run("config", "add-authtoken", TOKEN, "--config", config.toString());

        assertThat(added.exitCode()).isZero();
        assertThat(added.out()).contains("authtoken saved to " + config);
        assertThat(Files.readString(config)).contains("authtoken: " + TOKEN);

        Cli.Result checked = Cli.run("config", "check", "--config", config.toString());
        assertThat(checked.exitCode()).isZero();
        assertThat(checked.out()).startsWith("OK: " + config);
        assertThat(checked.err()).isEmpty();
    }

    @Test
    void addAuthtokenRefusesWhatIsNotOneAndSavesNothing() {
        Path config = dir.resolve("burrow.yml");

        for (String notAToken : List.of("not a token", "brw_abc_def", TOKEN.substring(1), TOKEN + "x")) {
            Cli.Result added = Cli.run("config", "add-authtoken", notAToken, "--config", config.toString());

            assertThat(added.exitCode()).as(notAToken).isEqualTo(2);
            assertThat(added.err()).as(notAToken).isEqualTo("burrow: that is not an authtoken, so nothing was"
                    + " saved: an authtoken is " + Authtoken.SHAPE + System.lineSeparator());
            assertThat(added.err()).doesNotContain(notAToken);
        }
        assertThat(config).doesNotExist();
    }

    @Test
    void checkRefusesAFileWhoseAuthtokenIsNotOne() throws IOException {
        Path config = Files.writeString(dir.resolve("burrow.yml"), "authtoken: brw_typo\n");

        Cli.Result checked = Cli.run("config", "check", "--config", config.toString());

        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).isEqualTo("burrow: " + config + ": authtoken is not an authtoken: an authtoken is "
                + Authtoken.SHAPE + System.lineSeparator());
    }

    @Test
    void checkOfAMissingFileIsOkButNotesTheMissingToken() {
        Cli.Result checked = Cli.run("config", "check", "--config", dir.resolve("none.yml").toString());

        assertThat(checked.exitCode()).isZero();
        assertThat(checked.out()).contains("no such file yet");
        assertThat(checked.err()).contains("burrow config add-authtoken");
    }

    @Test
    void checkReportsAnUnknownKeyWithItsLine() throws IOException {
        Path config = Files.writeString(dir.resolve("burrow.yml"), "authtoken: x\nserver_adr: edge:4443\n");

        Cli.Result checked = Cli.run("config", "check", "--config", config.toString());

        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).isEqualTo("burrow: " + config + ":2: unknown key 'server_adr'"
                + System.lineSeparator());
        assertThat(checked.out()).isEmpty();
    }

    @Test
    void checkReportsAnUnusableValue() throws IOException {
        Path config = Files.writeString(dir.resolve("burrow.yml"), "server_fingerprint: abc\n");

        Cli.Result checked = Cli.run("config", "check", "--config", config.toString());

        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).startsWith("burrow: " + config + ": server_fingerprint: ").hasLineCount(1);
    }

    @Test
    void checkListsTheNamedTunnelsAndReportsABadOneWithItsLine() throws IOException {
        Path config = Files.writeString(dir.resolve("burrow.yml"), "authtoken: " + TOKEN + "\ntunnels:\n"
                + "  web:\n    proto: http\n    addr: 8080\n  ssh:\n    proto: tcp\n    addr: 22\n");

        Cli.Result checked = Cli.run("config", "check", "--config", config.toString());

        assertThat(checked.exitCode()).isZero();
        assertThat(checked.out()).contains("tunnel web: http -> http://localhost:8080")
                .contains("tunnel ssh: tcp -> localhost:22");

        Files.writeString(config, "tunnels:\n  web:\n    proto: http\n    addr: 8080\n    remote_port: 1\n");
        Cli.Result refused = Cli.run("config", "check", "--config", config.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("burrow: " + config + ":2: remote_port cannot be used with proto http"
                + System.lineSeparator());
    }

    @Test
    void checkCompilesATunnelsTrafficPolicyAndReportsItsLine() throws IOException {
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                tunnels:
                  web:
                    proto: http
                    addr: 8080
                    traffic_policy:
                      on_http_request:
                        - expressions: ["req.url.path.startsWith('/admin')"]
                          actions: [{type: deny}]
                  ssh:
                    proto: tcp
                    addr: 22
                    traffic_policy:
                      on_http_request:
                        - actions: [{type: deny}]
                """);

        Cli.Result refused = Cli.run("config", "check", "--config", config.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("burrow: " + config + ":12: tunnel 'ssh': traffic_policy: a tcp tunnel"
                + " does not run on_http_request; use on_tcp_connect" + System.lineSeparator());
        Files.writeString(config, Files.readString(config).replace("on_http_request:\n        - actions",
                "on_tcp_connect:\n        - actions"));
        assertThat(Cli.run("config", "check", "--config", config.toString()).exitCode()).isZero();
    }
}
