package dev.burrow.edge.proxy;

import dev.burrow.transport.ClientAddress;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The front of every public listener's pipeline, and of the agent port's: which peers (load balancers) must open
 * each connection with a PROXY protocol header, v1 or v2, and how long they have to send it. A connection from any
 * other peer is let in at once, and a PROXY header it sends is just bytes to the listener behind (on the agent port,
 * not a TLS record: the handshake fails). From a listed peer the header is required: its client becomes the
 * connection's client (see {@link ClientAddress}).
 *
 * @param from    the peers that must send the header; empty for none
 * @param timeout how long a listed peer may take to send the whole header before the connection is closed
 */
public record ProxyProtocolGate(List<Cidr> from, Duration timeout) {
    /**
     * Bound on a v2 header's TLV fields (Netty's decoder holds a v1 line to 108 bytes by itself).
     * Load balancers send a few dozen bytes of them, if any.
     */
    static final int MAX_TLV_BYTES = 2048;

    public ProxyProtocolGate {
        from = List.copyOf(from);
    }

    /**
     * Assembles a new connection's pipeline with {@code assemble}: at once for a peer outside {@link #from()}; for a
     * peer inside it, once its PROXY header has been read, and with the addresses the header carries. Either way the
     * assembled handlers then see {@code channelActive} as for any new connection. Call it from the listener's
     * {@code ChannelInitializer}.
     */
    public void install(Channel channel, Consumer<ChannelPipeline> assemble) {
        InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
        if (!Cidr.anyContains(from, peer.getAddress())) {
            assemble.accept(channel.pipeline());
            return;
        }
        channel.pipeline()
                .addLast("proxy-header", new HAProxyMessageDecoder(MAX_TLV_BYTES))
                .addLast("proxy-reader", new ProxyProtocolReader(timeout, assemble));
    }
}
