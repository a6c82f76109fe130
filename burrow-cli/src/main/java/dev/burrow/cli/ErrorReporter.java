package dev.burrow.cli;

import dev.burrow.agent.AgentException;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.edge.config.EdgeConfigFile;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one {@code burrow: message} line on stderr and an exit code. The mapping from agent
 * error codes to exit codes lives only here, so scripts can rely on it whichever command failed.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    private EdgeConfigFile file;
    private List<String> commandLine = List.of();

    /**
     * From now on, a bad value of an option the edge's config file set, and the command line did not, is blamed on
     * its line in the file.
     */
    void blameFile(EdgeConfigFile file, String[] args) {
        this.file = file;
        this.commandLine = List.of(args);
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        String message = e.getMessage();
        if (file != null && e.getArgSpec() instanceof OptionSpec option && file.where(option.longestName()) != null
                && commandLine.stream().noneMatch(arg -> option.longestName().equals(arg.split("=", 2)[0]))) {
            message = file.where(option.longestName()) + ": " + message;
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
        }
        print(e.getCommandLine().getErr(), message);
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        print(err, message(e));
        if (!(e instanceof CommandFailure)
                && LoggingOptions.of(command.getCommandSpec()).map(LoggingOptions::debug).orElse(false)) {
            e.printStackTrace(err);
            err.flush();
        }
        return exitCode(e);
    }

    static int exitCode(Exception e) {
        if (e instanceof AgentException agent) {
            if (agent.code() == ErrorCode.EDGE_UNTRUSTED) {
                return ExitCodes.UNTRUSTED;
            }
            if (agent.code() == ErrorCode.POLICY_INVALID) {
                return ExitCodes.USAGE;
            }
            return agent.retryable() ? ExitCodes.FAILURE : ExitCodes.REFUSED;
        }
        return ExitCodes.FAILURE;
    }

    private static String message(Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof AgentException agent && agent.code() == ErrorCode.EDGE_UNTRUSTED) {
            // The fix is never obvious from a TLS error: say where the trust comes from.
            message += " (pin the edge with --server-fingerprint, or trust its CA with --server-ca)";
        }
        if (e instanceof AgentException agent && agent.code() == ErrorCode.POLICY_INVALID) {
            message = "the edge refused the traffic policy: " + message;
        }
        return message;
    }

    private static void print(PrintWriter err, String message) {
        err.println("burrow: " + message.strip().replaceAll("\\s*\\R\\s*", " "));
        err.flush();
    }
}
