package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.transport.ConnectionLimiter;
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

    Duration headerReadTimeout();

    Duration idleTimeout();

    /** Caps open public connections, in all and per client address; shared by every public listener. */
    ConnectionLimiter connectionLimiter();
}
