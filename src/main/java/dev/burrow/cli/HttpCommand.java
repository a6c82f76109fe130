package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.Upstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "http",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Expose a local HTTP service at a public URL on the edge.",
            "Reconnects by itself when the connection drops; SIGTERM or Ctrl-C lets in-flight requests finish,"
                    + " then exits 0."})
final class HttpCommand implements Callable<Integer> {
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "UPSTREAM",
            description = "The local service: 8080, host:port, http://host:port or https://host:port.")
    Upstream upstream;

    @ArgGroup(exclusive = true)
    PublicName name;

    @Option(names = "--host-header", paramLabel = "rewrite|VALUE",
            description = "The Host header sent upstream: 'rewrite' sets the upstream's address, anything else is"
                    + " sent as is (default: the client's Host).")
    String hostHeader;

    @Option(names = "--forwarded",
            description = "Have the edge add an RFC 7239 Forwarded header (for=, proto=, host=) to every request,"
                    + " beside the X-Forwarded-* ones it always sets.")
    boolean forwarded;

    @Option(names = "--upstream-insecure",
            description = "Do not check the certificate of an https upstream (for self-signed local services).")
    boolean upstreamInsecure;

    @Mixin
    EdgeConnectionOptions edge;

    @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the upstream may take to start answering before the client gets 504"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration responseTimeout;

    @Mixin
    LoggingOptions logging;

    /** A name chosen by the user; without one the edge picks a random readable name. */
    static final class PublicName {
        @Option(names = "--subdomain", paramLabel = "NAME", description = "Ask for NAME.<edge domain>.")
        String subdomain;

        @Option(names = "--hostname", paramLabel = "HOST", description = "Ask for this full hostname.")
        String hostname;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConsoleListener events = new ConsoleListener(out);
        try (Agent agent = connect(events)) {
            AgentTunnel tunnel = agent.http(tunnelOptions());
            // Announced only once the stop hook is in place, so a script that signals on seeing it is honoured.
            return GracefulShutdown.whileWaiting(agent::close, out, err, () -> {
                out.println("Forwarding  " + tunnel.url() + " -> " + tunnel.upstream());
                out.flush();
                return events.awaitStop(agent);
            });
        }
    }

    /**
     * Works out the token and the edge, then connects. Every way of failing before the tunnel is up ends here,
     * without blocking.
     */
    Agent connect(AgentListener listener) throws IOException {
        Agent.Builder builder = edge.agentBuilder(spec.commandLine());
        if (upstreamInsecure) {
            spec.commandLine().getErr().println("warning: --upstream-insecure: the upstream's TLS certificate is"
                    + " not checked");
            spec.commandLine().getErr().flush();
        }
        return builder
                .listener(listener)
                .upstreamResponseTimeout(responseTimeout)
                .drainGrace(DRAIN_GRACE)
                .build()
                .start();
    }

    HttpTunnelOptions tunnelOptions() {
        return new HttpTunnelOptions(upstream, name == null ? null : name.subdomain,
                name == null ? null : name.hostname, hostHeader, !upstreamInsecure, forwarded);
    }
}
