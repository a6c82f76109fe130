package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.AgentConfigFile;
import dev.burrow.agent.config.AuthtokenResolver;
import dev.burrow.transport.HostPort;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How the agent commands reach their edge: the edge's address, the authtoken, how the edge is trusted, the file. */
final class EdgeConnectionOptions {
    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "The edge's agent port (default: server_addr from the config file, else "
                    + "localhost:4443).")
    HostPort server;

    @Option(names = "--authtoken", paramLabel = "TOKEN",
            description = "The token from 'burrow edge token create' (default: $" + AuthtokenResolver.ENV_VAR
                    + ", else authtoken from the config file).")
    String authtoken;

    @ArgGroup(exclusive = true)
    EdgeTrustOptions trust;

    @Mixin
    ConfigFileOption config;

    /**
     * An agent builder that reaches the edge with the right token and trust, from the flags, the environment and
     * the config file in that order.
     */
    Agent.Builder agentBuilder(CommandLine commandLine) throws IOException {
        Path configPath = config.path();
        AgentConfig file = AgentConfigFile.load(configPath);
        String token = AuthtokenResolver.resolve(authtoken, System.getenv(), file)
                .orElseThrow(() -> new ParameterException(commandLine,
                        "no authtoken: save one with 'burrow config add-authtoken TOKEN', set "
                                + AuthtokenResolver.ENV_VAR + " or pass --authtoken"));
        EdgeTarget target = EdgeTarget.resolve(server, trust, file, configPath);
        return Agent.builder()
                .edge(target.server().host(), target.server().port())
                .authtoken(token)
                .trust(target.trust());
    }
}
