package dev.burrow.cli;

import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.AgentConfigFile;
import dev.burrow.cli.ngrok.NgrokConfigImport;
import dev.burrow.protocol.Authtoken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Manage the agent's config file.",
        subcommands = {ConfigCommand.AddAuthtoken.class, ConfigCommand.Check.class, ConfigCommand.ImportNgrok.class})
final class ConfigCommand extends CommandGroup {

    @Command(name = "add-authtoken", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Save the authtoken 'burrow http' presents to the edge. Other settings in the file are"
                    + " kept; the file is readable only by you.")
    static final class AddAuthtoken implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOKEN", description = "The token from 'burrow edge token create'.")
        String token;

        @Mixin
        ConfigFileOption config;

        @Override
        public Integer call() throws IOException {
            Path path = config.path();
            if (Authtoken.parse(token.strip()).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "that is not an authtoken, so nothing was saved:"
                        + " an authtoken is " + Authtoken.SHAPE);
            }
            AgentConfigFile.saveAuthtoken(path, token);
            spec.commandLine().getOut().println("authtoken saved to " + path);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = BurrowCommand.VersionProvider.class,
            description = "Check that the config file can be read and its settings used; prints OK or the problem.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigFileOption config;

        @Override
        public Integer call() throws IOException {
            Path path = config.path();
            AgentConfig file = AgentConfigFile.load(path);
            EdgeTarget.resolve(null, null, file, path);
            PolicyOptions.checkDefinitions(path, file.tunnelsByName());
            spec.commandLine().getOut().println("OK: " + path + (Files.exists(path) ? "" : " (no such file yet)"));
            file.tunnelsByName().forEach((name, tunnel) -> spec.commandLine().getOut()
                    .println("tunnel " + name + ": " + tunnel.proto() + " -> " + tunnel.toOptions().forwardsTo()));
            spec.commandLine().getOut().flush();
            if (file.authtoken() != null && !file.authtoken().isBlank()
                    && Authtoken.parse(file.authtoken().strip()).isEmpty()) {
                throw new CommandFailure(path + ": authtoken is not an authtoken: an authtoken is " + Authtoken.SHAPE);
            }
            if (file.authtoken() == null || file.authtoken().isBlank()) {
                spec.commandLine().getErr().println("note: no authtoken saved; add one with"
                        + " 'burrow config add-authtoken TOKEN'");
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "import-ngrok", mixinStandardHelpOptions = true,
            versionProvider = BurrowCommand.VersionProvider.class,
            description = "Write the burrow.yml an ngrok.yml (version 2 or 3) stands for, then print one line for"
                    + " each thing it could not carry and why. An existing file is kept unless --force.")
    static final class ImportNgrok implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The ngrok config file, such as ~/.config/ngrok/ngrok.yml.")
        Path ngrokFile;

        @Mixin
        ConfigFileOption config;

        @Option(names = "--force", description = "Replace the config file if it exists.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            Path path = config.path();
            if (Files.exists(path) && !force) {
                throw new CommandFailure(path + " exists; nothing written (--force replaces it)");
            }
            NgrokConfigImport.Result imported = NgrokConfigImport.read(ngrokFile);
            AgentConfigFile.write(path, imported.config());
            var out = spec.commandLine().getOut();
            out.println("wrote " + path + " (" + imported.config().tunnelsByName().size() + " tunnels"
                    + (imported.config().tunnelsByName().isEmpty() ? ""
                    : ": " + String.join(", ", imported.config().tunnelsByName().keySet())) + ")");
            imported.notCarried().forEach(out::println);
            out.flush();
            return ExitCodes.OK;
        }
    }
}
