package dev.burrow.cli;

import dev.burrow.agent.ProxyProtocol;
import picocli.CommandLine.Option;

/** {@code --proxy-proto} for the commands whose tunnels pipe connections (TCP and TLS). */
final class ProxyProtoOption {
    @Option(names = "--proxy-proto", paramLabel = "1|2",
            description = "Tell the upstream who each client is: a PROXY protocol header of this version (1 text,"
                    + " 2 binary) before the client's bytes. The upstream must expect it (default: none).")
    ProxyProtocol version = ProxyProtocol.OFF;
}
