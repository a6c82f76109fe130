package dev.burrow.cli;

import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.agent.Upstream;
import dev.burrow.protocol.TunnelType;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tcp",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Expose a local TCP service (SSH, a database, a game server) on a public port of the edge.",
            "Each connection to the public port becomes one connection to the service, bytes passed both ways"
                    + " untouched. Reconnects by itself when the connection drops; SIGTERM or Ctrl-C exits 0."})
final class TcpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "UPSTREAM", description = "The local service: 22, or host:port.")
    Upstream upstream;

    @Option(names = "--remote-port", paramLabel = "PORT",
            description = "Ask for this public port; it must be free and in the edge's range (default: any free"
                    + " port of the range).")
    Integer remotePort;

    @Mixin
    ProxyProtoOption proxyProto;

    @Mixin
    PolicyOptions policy;

    @Mixin
    EdgeConnectionOptions edge;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws IOException {
        return ByteTunnelRun.run(spec, edge, () -> new TcpTunnelOptions(upstream, remotePort, proxyProto.version,
                policy.policyText(spec.commandLine(), TunnelType.TCP)));
    }
}
