package dev.burrow.cli;

import dev.burrow.agent.TlsTunnelOptions;
import dev.burrow.agent.Upstream;
import dev.burrow.protocol.TunnelType;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tls",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Expose a local TLS service under a hostname on the edge's TLS port, routed by the server name its"
                    + " clients send (SNI).",
            "The edge never decrypts: each connection reaches the service as it was sent, and the service's own"
                    + " certificate answers. Reconnects by itself when the connection drops; SIGTERM or Ctrl-C"
                    + " exits 0."})
final class TlsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "UPSTREAM", description = "The local TLS service: 8443, or host:port.")
    Upstream upstream;

    @ArgGroup(exclusive = true)
    PublicName name;

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
        return ByteTunnelRun.run(spec, edge, () -> new TlsTunnelOptions(upstream, PublicName.subdomain(name),
                PublicName.hostname(name), proxyProto.version, policy.policyText(spec.commandLine(), TunnelType.TLS)));
    }
}
