package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeConfigCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aGoodFileIsOkAndItsPlansAreListed() throws Exception {
        Path file = file("""
                version: 1
                domain: example.com
                http_addr: 0.0.0.0:80
                plans:
                  free:
                    tunnels: 2
                    requests_per_minute: 600
                  pro:
                    tunnels: 50
                """);

        Cli.Result result = Cli.run("edge", "config", "check", "--config", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("OK: " + file + NL + "plan free: 2 tunnels, 600 requests per minute" + NL
                + "plan pro: 50 tunnels" + NL);
    }

    @Test
    void aBadValueIsBlamedOnItsLine() throws Exception {
        Path file = file("domain: example.com\n\nhttp_addr: nowhere\n");

        Cli.Result result = Cli.run("edge", "config", "check", "--config", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("burrow: " + file + ":3: Invalid value for option '--http-addr'")
                .hasLineCount(1);
    }

    @Test
    void whatTheEdgeWouldRefuseToStartWithIsSaid() throws Exception {
        Path file = file("http_addr: 0.0.0.0:80\n");

        Cli.Result result = Cli.run("edge", "config", "check", "--config", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains(file.toString(), "Missing required option: '--domain=DOMAIN'");
    }

    @Test
    void anUnknownKeyStopsTheEdgeFromStartingAtItsLine() throws Exception {
        Path file = file("domain: example.com\nhttp_adr: 0.0.0.0:80\n");

        Cli.Result checked = Cli.run("edge", "config", "check", "--config", file.toString());
        Cli.Result started = Cli.run("edge", "--config", file.toString());

        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).isEqualTo("burrow: " + file + ":2: unknown key 'http_adr'" + NL);
        assertThat(started.exitCode()).isEqualTo(2);
        assertThat(started.err()).isEqualTo("burrow: " + file + ":2: unknown key 'http_adr'" + NL);
    }

    @Test
    void aBadValueFromTheFileStopsTheEdgeAtItsLineUnlessTheCommandLineGivesAnother() throws Exception {
        Path file = file("domain: example.com\nagent_addr: 127.0.0.1:notaport\nhttp_addr: bad\n");

        Cli.Result fromFile = Cli.run("edge", "--config", file.toString(), "--http-addr", "127.0.0.1:0");

        assertThat(fromFile.exitCode()).isEqualTo(2);
        assertThat(fromFile.err()).startsWith("burrow: " + file + ":2: Invalid value for option '--agent-addr'");
    }

    @Test
    void theFileSetsTheStoreForTheStoreCommandsToo() throws Exception {
        Path data = dir.resolve("data");
        Path file = file("domain: example.com\ndata_dir: " + data + "\n");

        assertThat(Cli.run("edge", "--config", file.toString(), "account", "create", "team").exitCode()).isZero();

        assertThat(Cli.run("edge", "account", "list", "--data-dir", data.toString()).out()).contains("team");
    }
}
