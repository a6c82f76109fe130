package dev.burrow.cli;

import dev.burrow.edge.admin.OperatorSettings;
import dev.burrow.logging.LogFormat;
import dev.burrow.logging.LogSetup;
import dev.burrow.transport.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code burrow edge}'s admin listener, its token, {@code /metrics} and the access log. */
final class OperatorOptions {
    /** Where the admin token may come from instead of a file: never the command line, which others can read. */
    static final String TOKEN_VARIABLE = "BURROW_ADMIN_TOKEN";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--admin-addr", paramLabel = "HOST:PORT|off", defaultValue = "127.0.0.1:4041",
            description = "Where the admin API, its dashboard (/), /metrics, /healthz and /readyz listen, in plain"
                    + " HTTP: keep it on the loopback or a private network; off for none (default: ${DEFAULT-VALUE}).")
    String adminAddr;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Read the admin API's bearer token from this file (default: $" + TOKEN_VARIABLE
                    + ", else one the edge makes on first start in DATA_DIR/admin-token, readable by its owner"
                    + " only).")
    Path adminTokenFile;

    @Option(names = "--metrics-public",
            description = "Serve /metrics without the admin token, for a scraper that sends none (default: the"
                    + " token is needed, as for the API).")
    boolean metricsPublic;

    @Option(names = "--access-log", paramLabel = "off|stdout|stderr|FILE", defaultValue = "off",
            description = "One line per public request or TCP/TLS connection, in the --log-format, to the logger"
                    + " 'access'; a FILE is appended to (default: ${DEFAULT-VALUE}).")
    String accessLog;

    /** The admin address, or null when it is off. */
    HostPort adminAddress() {
        if (adminAddr.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return HostPort.parse(adminAddr);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--admin-addr: " + e.getMessage());
        }
    }

    OperatorSettings settings(String tokenFromEnvironment) {
        HostPort admin = adminAddress();
        if (admin == null && (adminTokenFile != null || metricsPublic)) {
            throw new ParameterException(command.commandLine(), (adminTokenFile != null ? "--admin-token-file"
                    : "--metrics-public") + " needs the admin listener (--admin-addr)");
        }
        boolean fromEnvironment = tokenFromEnvironment != null && !tokenFromEnvironment.isBlank();
        if (adminTokenFile != null && fromEnvironment) {
            throw new ParameterException(command.commandLine(), "the admin token comes from one place: unset $"
                    + TOKEN_VARIABLE + " or drop --admin-token-file");
        }
        String token = adminTokenFile != null ? readToken() : fromEnvironment ? tokenFromEnvironment.strip() : null;
        return new OperatorSettings(admin == null ? null : admin.toSocketAddress(), token, metricsPublic,
                !accessLog.equalsIgnoreCase("off"));
    }

    private String readToken() {
        try {
            String token = Files.readString(adminTokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new ParameterException(command.commandLine(), "--admin-token-file: " + adminTokenFile
                        + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new ParameterException(command.commandLine(), "--admin-token-file: cannot read " + adminTokenFile
                    + ": " + e.getMessage());
        }
    }

    /** Sends the access log where it was asked to go, in {@code format}; nowhere when it is off. */
    void applyAccessLog(LogFormat format) {
        LogSetup.access(accessLog.equalsIgnoreCase("off") ? null : accessLog, format);
    }
}
