package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import io.netty.channel.Channel;
import java.time.Duration;

/** What the public HTTP listener needs from the edge: routing, drain state and its limits. */
public interface HttpEdge {
    /** Remembers an open connection until it closes, so that stopping the edge can close it. */
    void track(Channel channel);

    /** @return the tunnel bound to the hostname, or null */
    Tunnel find(String hostname);

    /** True if the hostname had a tunnel lately that is now gone. */
    boolean wasRecentlyBound(String hostname);

    boolean draining();

    void exchangeStarted();

    void exchangeEnded();

    RequestPolicy policy();

    int maxInitialLineLength();

    int maxHeaderSize();

    /** Streams one public HTTP/2 connection may have open at once. */
    int maxStreamsPerConnection();

    Duration headerReadTimeout();

    Duration idleTimeout();

    int maxConnections();

    int maxConnectionsPerAddress();
}
