package dev.burrow.cli;

import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.transport.HostPort;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "edge",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Run an edge: the public HTTP listener, and the TLS port agents connect to.",
            "Prints the agent port, the HTTP port and the SHA-256 fingerprint agents can pin, one per line.",
            "SIGTERM or Ctrl-C drains in-flight requests, then exits 0."},
        subcommands = TokenCommand.class)
final class EdgeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Checked in start() rather than marked required, which would also demand it of `burrow edge token ...`.
    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "Required. Tunnels get public names under it, such as NAME.example.test.")
    String domain;

    @Option(names = "--agent-addr", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:4443",
            description = "Where agents connect (default: ${DEFAULT-VALUE}).")
    HostPort agentAddr;

    @Option(names = "--http-addr", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8080",
            description = "Where public HTTP requests arrive (default: ${DEFAULT-VALUE}).")
    HostPort httpAddr;

    @Option(names = "--advertised-http-port", paramLabel = "PORT",
            description = "The port shown in public URLs when a proxy or port mapping sits in front"
                    + " (default: the --http-addr port).")
    Integer advertisedHttpPort;

    @Option(names = "--tcp-ports", paramLabel = "FIRST-LAST",
            description = "Public ports for TCP tunnels, on the --http-addr host, such as 20000-20999 (default: no"
                    + " TCP tunnels).")
    PortRange tcpPorts;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            description = "A proxy in front of the edge, such as 10.0.0.0/8: its X-Forwarded-* and Forwarded"
                    + " headers are kept and added to. Repeatable (default: none; every client's are replaced).")
    List<Cidr> trustedProxies = new ArrayList<>();

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR",
            description = "A load balancer that opens every connection to the public listeners with a PROXY"
                    + " protocol header (v1 or v2); its client then counts as the client. Required from these"
                    + " peers, taken from no other. Repeatable (default: none).")
    List<Cidr> proxyProtocolFrom = new ArrayList<>();

    @Mixin
    EdgeDataDir dataDir;

    @ArgGroup(exclusive = false)
    CertificateFiles certificate;

    @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long in-flight requests may take to finish on shutdown (default: ${DEFAULT-VALUE}).")
    Duration drainGrace;

    @Mixin
    LoggingOptions logging;

    /** Both or neither: a certificate without its key, or the reverse, is a mistake worth stopping for. */
    static final class CertificateFiles {
        @Option(names = "--cert", paramLabel = "FILE", required = true,
                description = "PEM certificate chain for the agent port (default: a self-signed one, kept in"
                        + " the data directory).")
        Path cert;

        @Option(names = "--key", paramLabel = "FILE", required = true, description = "PEM private key for --cert.")
        Path key;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Edge edge = start()) {
            // Announced only once the stop hook is in place, so a script that signals on seeing it is honoured.
            return GracefulShutdown.whileWaiting(edge::drain, out, spec.commandLine().getErr(),
                    () -> {
                        printListening(edge, out);
                        edge.onClose().join();
                        return ExitCodes.OK;
                    });
        }
    }

    Edge start() {
        if (domain == null || domain.isBlank()) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--domain=DOMAIN'");
        }
        Ports.requireBindable(agentAddr, "--agent-addr");
        Ports.requireBindable(httpAddr, "--http-addr");
        EdgeConfig.Builder config = EdgeConfig.builder(domain, dataDir.resolve())
                .agentAddress(agentAddr.toSocketAddress())
                .httpAddress(httpAddr.toSocketAddress())
                .drainGrace(drainGrace)
                .tcpPorts(tcpPorts)
                .trustedProxies(trustedProxies)
                .proxyProtocolFrom(proxyProtocolFrom);
        if (advertisedHttpPort != null) {
            config.advertisedHttpPort(advertisedHttpPort);
        }
        if (certificate != null) {
            config.certificate(certificate.cert, certificate.key);
        }
        return Edge.start(config.build());
    }

    static void printListening(Edge edge, PrintWriter out) {
        out.println("agent port: " + edge.agentAddress().getPort());
        out.println("http port: " + edge.httpAddress().getPort());
        if (edge.tcpPorts() != null) {
            out.println("tcp ports: " + edge.tcpPorts());
        }
        out.println("certificate sha256: " + edge.certificateFingerprint());
        out.flush();
    }
}
