package dev.burrow.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code burrow help [COMMAND...]}: the usage of burrow or of any command below it, as {@code --help} prints it. */
@Command(name = "help", helpCommand = true,
        description = "Show the usage of burrow, or of a command: burrow help http, burrow help edge token create.")
final class HelpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its parents' names.")
    List<String> command = List.of();

    @Override
    public Integer call() {
        CommandLine target = spec.parent().commandLine();
        for (String name : command) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                String parent = target.getCommandSpec().qualifiedName();
                throw new ParameterException(spec.commandLine(), "'" + parent + "' has no command '" + name
                        + "'; see " + parent + " --help");
            }
            target = sub;
        }
        target.usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
