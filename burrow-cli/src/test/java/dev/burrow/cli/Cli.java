package dev.burrow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code burrow} in this JVM and captures what it prints. */
final class Cli {
    private Cli() {
    }

    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = BurrowCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Parses without running, for tests that drive a command's non-blocking steps themselves. */
    static <T> T parse(Class<T> command, String... args) {
        CommandLine.ParseResult parsed = BurrowCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())).parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return command.cast(parsed.commandSpec().userObject());
    }
}
