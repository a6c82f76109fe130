package dev.burrow.cli;

import dev.burrow.transport.HostPort;
import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --dns-server} for {@code burrow edge} and {@code burrow edge domain verify}, which should look domains'
 * TXT records up at the same server.
 */
final class DnsServerOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--dns-server", paramLabel = "HOST:PORT",
            description = "Look up the TXT records that prove domains at this DNS server, such as 127.0.0.1:5353"
                    + " (default: the system's, from /etc/resolv.conf).")
    HostPort server;

    /**
     * This command's {@code --dns-server}, else one given to an enclosing command
     * ({@code burrow edge --dns-server S domain verify D}), else null: the system's servers.
     */
    InetSocketAddress resolve() {
        for (CommandSpec c = command; c != null; c = c.parent()) {
            for (CommandSpec mixin : c.mixins().values()) {
                if (mixin.userObject() instanceof DnsServerOption option && option.server != null) {
                    return option.server.toSocketAddress();
                }
            }
        }
        return null;
    }
}
