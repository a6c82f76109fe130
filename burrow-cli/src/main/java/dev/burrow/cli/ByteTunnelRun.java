package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.TunnelOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The run of a command that relays bytes (TCP and TLS tunnels): connects, binds one tunnel, prints
 * {@code Forwarding  <url> -> <host>:<port>}, and relays until stopped.
 */
final class ByteTunnelRun {
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private ByteTunnelRun() {
    }

    /**
     * @param options the tunnel, built before anything connects: options the agent refuses are a usage error
     * @return the exit code: 0 once stopped by a signal, or the code of the error that ended the agent
     */
    static int run(CommandSpec spec, EdgeConnectionOptions edge, Supplier<TunnelOptions> options)
            throws IOException {
        TunnelOptions wanted;
        try {
            wanted = options.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConsoleListener events = new ConsoleListener(out);
        try (Agent agent = edge.agentBuilder(spec.commandLine()).listener(events).drainGrace(DRAIN_GRACE).build()
                .start()) {
            AgentTunnel tunnel = agent.bind(wanted);
            // Announced only once the stop hook is in place, so a script that signals on seeing it is honoured.
            return GracefulShutdown.whileWaiting(agent::close, out, err, () -> {
                out.println("Forwarding  " + tunnel.url() + " -> " + tunnel.forwardsTo());
                out.flush();
                return events.awaitStop(agent);
            });
        }
    }
}
