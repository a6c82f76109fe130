package dev.burrow.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code burrow completion bash|zsh|fish}: a shell completion script for every command and option, to source or
 * install. Bash's and zsh's come from picocli (zsh runs the bash script through its bashcompinit); fish's is written
 * here from the same command tree.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {"Print a shell completion script.",
            "bash: source <(burrow completion bash), or save it as ~/.local/share/bash-completion/completions/burrow",
            "zsh: source <(burrow completion zsh) in ~/.zshrc",
            "fish: burrow completion fish > ~/.config/fish/completions/burrow.fish"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells with a script. */
    enum Shell { BASH, ZSH, FISH }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        PrintWriter out = spec.commandLine().getOut();
        if (shell == Shell.FISH) {
            out.println("# burrow completion fish: the commands and options of burrow");
            out.println("complete -c burrow -f");
            fish(out, root, "__fish_use_subcommand");
        } else {
            out.print(AutoComplete.bash(root.getCommandName(), root));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Completions for {@code command}'s subcommands and options, offered while {@code condition} holds. */
    private static void fish(PrintWriter out, CommandLine command, String condition) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (option.hidden() || !option.longestName().startsWith("--")) {
                continue;
            }
            out.println("complete -c burrow -n '" + condition + "' -l " + option.longestName().substring(2)
                    + (option.arity().max() > 0 ? " -r" : "") + " -d " + quoted(firstLine(option.description())));
        }
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            CommandSpec subSpec = sub.getValue().getCommandSpec();
            if (subSpec.usageMessage().hidden()) {
                continue;
            }
            out.println("complete -c burrow -n '" + condition + "' -a " + sub.getKey() + " -d "
                    + quoted(firstLine(subSpec.usageMessage().description())));
            fish(out, sub.getValue(), "__fish_seen_subcommand_from " + sub.getKey());
        }
    }

    private static String firstLine(String[] description) {
        if (description.length == 0) {
            return "";
        }
        String line = description[0].replace("${DEFAULT-VALUE}", "").strip();
        int sentence = line.indexOf(". ");
        return sentence > 0 ? line.substring(0, sentence + 1) : line;
    }

    private static String quoted(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
