package dev.burrow.cli;

import dev.burrow.config.ByteSizes;
import dev.burrow.edge.config.EdgeConfigFile;
import dev.burrow.edge.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "The edge's configuration file.",
        subcommands = EdgeConfigCommand.Check.class)
final class EdgeConfigCommand extends CommandGroup {

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Read an edge's configuration file as `burrow edge --config FILE` would and say what is"
                    + " wrong, as FILE:LINE: problem (exit 1), or OK. Binds nothing.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The file to check.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CommandLine edge = BurrowCommand.commandLine(out, spec.commandLine().getErr());
            edge.setOverwrittenOptionsAllowed(true);
            EdgeConfigFile config;
            try {
                config = EdgeConfigArguments.load(file, EdgeConfigArguments.edgeSpec(edge));
            } catch (IOException e) {
                throw new CommandFailure(e.getMessage());
            }
            try {
                ParseResult parsed = edge.parseArgs(EdgeConfigArguments.expand(config, new String[] {"edge"}));
                EdgeCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
                command.config(config);
            } catch (ParameterException e) {
                String where = e.getArgSpec() instanceof OptionSpec option ? config.where(option.longestName())
                        : null;
                throw new CommandFailure((where != null ? where : file.toString()) + ": " + e.getMessage());
            }
            out.println("OK: " + file);
            for (Plan plan : config.plans().byName().values()) {
                out.println("plan " + plan.name() + ": " + limits(plan));
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static String limits(Plan plan) {
            List<String> limits = new ArrayList<>();
            if (plan.tunnels() != null) {
                limits.add(plan.tunnels() + " tunnels");
            }
            if (plan.tcpPorts() != null) {
                limits.add(plan.tcpPorts() + " TCP ports");
            }
            if (plan.connections() != null) {
                limits.add(plan.connections() + " connections");
            }
            if (plan.requestsPerMinute() != null) {
                limits.add(plan.requestsPerMinute() + " requests per minute");
            }
            if (plan.bandwidthPerMonth() != null) {
                limits.add(ByteSizes.format(plan.bandwidthPerMonth()) + " per month");
            }
            return limits.isEmpty() ? "no limits" : String.join(", ", limits);
        }
    }
}
