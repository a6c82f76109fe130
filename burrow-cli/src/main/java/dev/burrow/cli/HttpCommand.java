package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.Upstream;
import dev.burrow.agent.inspect.InspectorServer;
import dev.burrow.logging.LogSetup;
import dev.burrow.protocol.TunnelType;
import dev.burrow.agent.UpstreamProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Option(names = "--upstream-protocol", paramLabel = "http1|h2c|h2", defaultValue = "http1",
            description = "How to speak to the upstream: http1 (default); h2c, HTTP/2 without TLS (a gRPC server,"
                    + " say); h2, HTTP/2 over TLS for an https upstream, which must offer h2 in ALPN.")
    UpstreamProtocol upstreamProtocol;

    @Option(names = "--forwarded",
            description = "Have the edge add an RFC 7239 Forwarded header (for=, proto=, host=) to every request,"
                    + " beside the X-Forwarded-* ones it always sets.")
    boolean forwarded;

    @Option(names = "--upstream-insecure",
            description = "Do not check the certificate of an https upstream (for self-signed local services).")
    boolean upstreamInsecure;

    @Option(names = "--https-redirect",
            description = "Answer plain-HTTP requests with a redirect (308) to the same address over HTTPS, on an"
                    + " edge that serves HTTPS.")
    boolean httpsRedirect;

    @Mixin
    HttpPolicyOptions policy;

    @Mixin
    EdgeConnectionOptions edge;

    @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the upstream may take to start answering before the client gets 504"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration responseTimeout;

    @Mixin
    InspectOptions inspect;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveConsole live = LiveConsole.openIfTerminal();
        if (live != null && logging.toConsole()) {
            LogSetup.silence();
        }
        HttpTunnelOptions options = tunnelOptions();
        ConsoleListener events = new ConsoleListener(live == null ? out : new PrintWriter(Writer.nullWriter()));
        try (LiveConsole screen = live; Agent agent = connect(live == null ? events : AgentListener.all(events, live));
             InspectorServer inspector = inspect.start(agent)) {
            AgentTunnel tunnel = agent.http(options);
            Runnable stop = live == null ? agent::close : () -> {
                agent.close();
                live.close();
            };
            // Announced only once the stop hook is in place, so a script that signals on seeing it is honoured.
            return GracefulShutdown.whileWaiting(stop, out, err, () -> {
                if (live != null) {
                    live.show(agent, inspector == null ? null : inspector.url());
                } else {
                    out.println("Forwarding  " + tunnel.url() + " -> " + tunnel.forwardsTo());
                    if (inspector != null) {
                        out.println("Inspector   " + inspector.url());
                    }
                    out.flush();
                }
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
        return inspect.apply(builder)
                .listener(listener)
                .upstreamResponseTimeout(responseTimeout)
                .drainGrace(DRAIN_GRACE)
                .build()
                .start();
    }

    /** The tunnel the options describe; options that do not fit together are a usage error. */
    HttpTunnelOptions tunnelOptions() {
        try {
            return new HttpTunnelOptions(upstream, PublicName.subdomain(name), PublicName.hostname(name), hostHeader,
                    !upstreamInsecure, httpsRedirect, forwarded, upstreamProtocol,
                    policy.policyText(spec.commandLine(), TunnelType.HTTP));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
