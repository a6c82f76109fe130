package dev.burrow.cli;

import dev.burrow.agent.config.AgentConfigFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config} for the commands that read or write the agent's config file. */
final class ConfigFileOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The agent's config file (default: $BURROW_CONFIG, else burrow/burrow.yml in the"
                    + " per-user config directory, such as ~/.config on Linux).")
    Path file;

    Path path() {
        return file != null ? file : AgentConfigFile.defaultPath();
    }
}
