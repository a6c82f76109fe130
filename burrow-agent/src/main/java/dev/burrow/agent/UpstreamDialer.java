package dev.burrow.agent;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;

/**
 * How {@link UpstreamPool} and {@link Http2Upstreams} open a connection: through the agent's
 * {@link UpstreamTransport}, or, in tests, onto channels of their own.
 */
@FunctionalInterface
interface UpstreamDialer {
    /** Connects to the key's upstream on the key's loop, setting the new channel up with {@code initializer}. */
    ChannelFuture dial(UpstreamPool.Key key, ChannelHandler initializer);

    static UpstreamDialer through(UpstreamTransport transport) {
        return (key, initializer) -> transport.bootstrap(key.loop()).handler(initializer)
                .connect(key.upstream().host(), key.upstream().port());
    }
}
