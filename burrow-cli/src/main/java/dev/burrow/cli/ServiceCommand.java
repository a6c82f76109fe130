package dev.burrow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "service",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Run burrow as a systemd service.",
        subcommands = ServiceCommand.Install.class)
final class ServiceCommand extends CommandGroup {

    /** What a service runs. Its unit file is a resource beside this class, which the release also ships in systemd/. */
    enum Role {
        EDGE, AGENT;

        String unitName() {
            return "burrow-" + name().toLowerCase(Locale.ROOT) + ".service";
        }

        String unit() {
            try (InputStream in = ServiceCommand.class.getResourceAsStream("service/" + unitName())) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = {"Install the systemd unit of an edge or an agent: write it to /etc/systemd/system, then"
                    + " 'systemctl daemon-reload' and 'systemctl enable' it, and say what is left to do.",
                "Where systemd does not run, the unit is printed instead. The unit runs /opt/burrow/bin/burrow as"
                    + " the user 'burrow'."})
    static final class Install implements Callable<Integer> {
        /** Where systemd looks for units an administrator adds. */
        private static final Path SYSTEM_UNITS = Path.of("/etc/systemd/system");
        /** What sd_booted(3) looks at: this directory exists only while systemd is the init system. */
        private static final Path SYSTEMD_RUNNING = Path.of("/run/systemd/system");

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ROLE", description = "edge or agent.")
        Role role;

        @Option(names = "--print", description = "Print the unit on stdout and change nothing.")
        boolean print;

        @Option(names = "--unit-dir", paramLabel = "DIR",
                description = "Write the unit here rather than to /etc/systemd/system.")
        Path unitDir;

        @Option(names = "--no-enable", description = "Write the unit only: no systemctl daemon-reload or enable.")
        boolean noEnable;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            boolean systemd = Files.isDirectory(SYSTEMD_RUNNING);
            if (print || (unitDir == null && !systemd)) {
                out.print(role.unit());
                out.flush();
                if (!print) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("burrow: systemd is not running here, so the unit was printed rather than installed:"
                            + " save it as " + SYSTEM_UNITS.resolve(role.unitName()) + " where systemd runs");
                    err.flush();
                }
                return ExitCodes.OK;
            }
            Path file = (unitDir != null ? unitDir : SYSTEM_UNITS).resolve(role.unitName());
            write(file, role.unit());
            out.println("wrote " + file);
            boolean enable = systemd && !noEnable;
            if (enable) {
                systemctl("daemon-reload");
                systemctl("enable", role.unitName());
                out.println("enabled " + role.unitName() + " (it starts at boot)");
            }
            out.println();
            out.println("What is left to do:");
            nextSteps(enable).forEach(step -> out.println("  " + step));
            out.flush();
            return ExitCodes.OK;
        }

        private List<String> nextSteps(boolean enabled) {
            String service = role.unitName().replace(".service", "");
            String start = enabled ? "systemctl start " + service
                    : "systemctl daemon-reload && systemctl enable --now " + service;
            String release = "unpack the release at /opt/burrow (or link /opt/burrow to it): the unit runs"
                    + " /opt/burrow/bin/burrow";
            String user = "useradd --system --home-dir /var/lib/burrow --shell /usr/sbin/nologin burrow"
                    + "   # once per host";
            return switch (role) {
                case EDGE -> List.of(release, user,
                        "write /etc/burrow/edge.yml: the 'burrow edge' options as keys, at least 'domain:'"
                                + " (for public URLs without a port: http_addr: 0.0.0.0:80)",
                        start + "   # logs: journalctl -u " + service);
                case AGENT -> List.of(release, user,
                        "write /etc/burrow/agent.env, mode 0600: BURROW_AUTHTOKEN=brw_...",
                        "write /etc/burrow/burrow.yml: server_addr, the edge's trust and 'tunnels:'"
                                + " (burrow config check --config /etc/burrow/burrow.yml)",
                        start + "   # logs: journalctl -u " + service);
            };
        }

        /** Writes the unit readable by all, as systemd's own are, whatever the umask or an earlier file's mode. */
        private static void write(Path file, String unit) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, unit);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new CommandFailure("cannot write " + file + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "): run as root, or give --unit-dir or --print");
            }
        }

        private static void systemctl(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("systemctl"));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new CommandFailure(String.join(" ", command) + " failed (exit " + exit + "): " + output);
            }
        }
    }
}
