package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burrow service install}; every test that writes passes --no-enable, so none runs systemctl. */
class ServiceCommandTest {
    @TempDir
    Path dir;

    @Test
    void printShowsTheEdgeUnitRunningTheReleaseAsItsOwnUserAndChangesNothing() {
        Cli.Result printed = Cli.run("service", "install", "edge", "--print", "--unit-dir", dir.toString());

        assertThat(printed.exitCode()).isZero();
        assertThat(printed.err()).isEmpty();
        assertThat(printed.out().lines()).contains(
                "User=burrow",
                "ExecStart=/opt/burrow/bin/burrow edge --config /etc/burrow/edge.yml --data-dir %S/burrow",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "KillSignal=SIGTERM",
                "TimeoutStopSec=45s",
                "Restart=on-failure",
                "StateDirectory=burrow",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "NoNewPrivileges=true",
                "ProtectSystem=strict",
                "WantedBy=multi-user.target");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void theAgentUnitTakesItsAuthtokenFromAnEnvironmentFileAndHasNoCapability() {
        Cli.Result printed = Cli.run("service", "install", "agent", "--print");

        assertThat(printed.exitCode()).isZero();
        assertThat(printed.out().lines()).contains(
                "EnvironmentFile=/etc/burrow/agent.env",
                "ExecStart=/opt/burrow/bin/burrow start --all --config /etc/burrow/burrow.yml --inspect=false",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "CapabilityBoundingSet=");
        assertThat(printed.out()).doesNotContain("AmbientCapabilities");
    }

    @Test
    void unitDirGetsTheUnitReadableByAllAndTheOutputSaysWhatIsLeft() throws IOException {
        // An earlier file for root alone, as a umask of 077 would leave it: systemd's tools read units as any user.
        Path unit = Files.writeString(dir.resolve("burrow-agent.service"), "old");
        Files.setPosixFilePermissions(unit, PosixFilePermissions.fromString("rw-------"));

        Cli.Result installed = Cli.run("service", "install", "agent", "--unit-dir", dir.toString(), "--no-enable");

        assertThat(installed.exitCode()).isZero();
        assertThat(installed.err()).isEmpty();
        assertThat(Files.readString(unit)).isEqualTo(Cli.run("service", "install", "agent", "--print").out());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(unit))).isEqualTo("rw-r--r--");
        assertThat(installed.out()).startsWith("wrote " + unit + System.lineSeparator())
                .doesNotContain("enabled ")
                .contains("useradd --system --home-dir /var/lib/burrow --shell /usr/sbin/nologin burrow")
                .contains("/etc/burrow/agent.env, mode 0600: BURROW_AUTHTOKEN=brw_...")
                .contains("systemctl daemon-reload && systemctl enable --now burrow-agent");
    }

    @Test
    void anUnknownRoleIsAUsageErrorNamingTheRoles() {
        Cli.Result refused = Cli.run("service", "install", "proxy", "--unit-dir", dir.toString(), "--no-enable");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("proxy").contains("EDGE, AGENT").hasLineCount(1);
        assertThat(refused.out()).isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aUnitDirThatCannotBeWrittenSaysHowToGoOn() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");

        Cli.Result failed = Cli.run("service", "install", "edge", "--unit-dir", notADirectory.toString(),
                "--no-enable");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("burrow: cannot write " + notADirectory.resolve("burrow-edge.service"))
                .endsWith("run as root, or give --unit-dir or --print" + System.lineSeparator());
    }
}
