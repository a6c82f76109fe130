package dev.burrow.cli;

import dev.burrow.logging.LogFormat;
import dev.burrow.logging.LogSetup;
import java.util.Optional;
import org.slf4j.event.Level;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --log}, {@code --log-level} and {@code --log-format}, for every command that does real work. */
final class LoggingOptions {
    @Option(names = "--log", paramLabel = "stdout|stderr|FILE", defaultValue = "stderr",
            description = "Where log lines go; a FILE is appended to (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error; debug also prints stack traces of errors"
                    + " (default: ${DEFAULT-VALUE}).")
    Level level;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "logfmt",
            description = "logfmt or json (default: ${DEFAULT-VALUE}).")
    LogFormat format;

    /** The options mixed into this command, if it has them. */
    static Optional<LoggingOptions> of(CommandSpec command) {
        return command.mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(LoggingOptions.class::isInstance)
                .map(LoggingOptions.class::cast)
                .findFirst();
    }

    /** @throws IllegalArgumentException if the log file cannot be opened */
    void apply() {
        LogSetup.configure(target, level, format);
    }

    /** True when JSON log lines go to stdout, where the command also prints for people. */
    boolean jsonOnStdout() {
        return format == LogFormat.JSON && target.equals("stdout") && !LogSetup.userConfigured();
    }

    /** True when log lines go to the console rather than to a file. */
    boolean toConsole() {
        return target.equals("stdout") || target.equals("stderr");
    }

    boolean debug() {
        return level.toInt() <= Level.DEBUG.toInt();
    }
}
