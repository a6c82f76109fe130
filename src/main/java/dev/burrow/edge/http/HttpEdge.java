package dev.burrow.edge.http;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.edge.proxy.ProxyProtocolGate;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/** What the public HTTP listener needs from the edge: routing, drain state and its limits. */
public interface HttpEdge {
    /** Remembers an open connection until it closes, so that stopping the edge can close it. */
    void track(Channel channel);

    /** @return the tunnel bound to the hostname, or null */
    HttpTunnel find(String hostname);

    /** True if the hostname had a tunnel lately that is now gone. */
    boolean wasRecentlyBound(String hostname);

    boolean draining();

    void exchangeStarted();

    void exchangeEnded();

    RequestPolicy policy();

    /** Who must open a connection with a PROXY protocol header; the listener assembles its pipelines through it. */
    ProxyProtocolGate proxyProtocol();

    /** Clients whose forwarded headers are kept and added to, rather than replaced. */
    List<Cidr> trustedProxies();

    int maxInitialLineLength();

    int maxHeaderSize();

    Duration headerReadTimeout();

    Duration idleTimeout();

    int maxConnections();

    int maxConnectionsPerAddress();
}
