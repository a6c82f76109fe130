package dev.burrow.cli;

import dev.burrow.edge.config.EdgeConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Puts the options of an edge's configuration file ({@code burrow edge --config FILE}) ahead of the command line's
 * own, so the flags given win and picocli checks every value the same way wherever it came from.
 */
final class EdgeConfigArguments {
    /** Options that are about the command itself, not the edge: a file has no business setting them. */
    private static final Set<String> NOT_SETTINGS = Set.of("--config", "--help", "--version");

    private EdgeConfigArguments() {
    }

    /**
     * The config file {@code args} give to {@code burrow edge} itself, or null; a {@code --config} after one of its
     * subcommands ({@code burrow edge config check --config FILE}) is that subcommand's.
     */
    static Path configPath(String[] args, CommandLine root) {
        if (args.length == 0 || !args[0].equals("edge")) {
            return null;
        }
        Set<String> subcommands = root.getSubcommands().get("edge").getSubcommands().keySet();
        for (int i = 1; i < args.length && !subcommands.contains(args[i]); i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    /** Reads the file with the options {@code burrow edge} has. */
    static EdgeConfigFile load(Path path, CommandSpec edge) throws IOException {
        return EdgeConfigFile.load(path, options(edge));
    }

    /** {@code args} with the file's options placed right after {@code edge}. */
    static String[] expand(EdgeConfigFile file, String[] args) {
        List<String> expanded = new ArrayList<>();
        expanded.add(args[0]);
        expanded.addAll(file.arguments());
        expanded.addAll(List.of(args).subList(1, args.length));
        return expanded.toArray(String[]::new);
    }

    /** The long names of {@code burrow edge}'s settings, each true if it is a switch. */
    private static Map<String, Boolean> options(CommandSpec edge) {
        Map<String, Boolean> options = new HashMap<>();
        for (OptionSpec option : edge.options()) {
            String name = option.longestName();
            if (name.startsWith("--") && !NOT_SETTINGS.contains(name)) {
                options.put(name, option.arity().max() == 0);
            }
        }
        return options;
    }

    /** The spec of {@code burrow edge} in this command line. */
    static CommandSpec edgeSpec(CommandLine root) {
        return root.getSubcommands().get("edge").getCommandSpec();
    }
}
