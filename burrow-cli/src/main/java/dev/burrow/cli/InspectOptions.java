package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import dev.burrow.transport.HostPort;
import picocli.CommandLine.Option;

/** The local inspector of the agent commands that carry HTTP: on by default, on 127.0.0.1:4040 or the next free port. */
final class InspectOptions {
    @Option(names = "--inspect", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "true|false",
            description = "Record requests and serve the inspector and its API (default: ${DEFAULT-VALUE}).")
    boolean enabled;

    @Option(names = "--inspect-addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:4040",
            description = "Where the inspector listens; the next free port if this one is taken"
                    + " (default: ${DEFAULT-VALUE}).")
    HostPort address;

    /** Sets the agent up to record exchanges, when the inspector is on. */
    Agent.Builder apply(Agent.Builder builder) {
        return enabled ? builder.inspect(ExchangeLog.withDefaults()) : builder;
    }

    /** Starts the inspector for a started agent, or returns null when it is off. */
    InspectorServer start(Agent agent) {
        return enabled ? InspectorServer.start(agent, address.toSocketAddress()) : null;
    }
}
