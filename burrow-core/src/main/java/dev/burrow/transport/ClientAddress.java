package dev.burrow.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Who a public connection is from, and which address it reached: what a PROXY protocol header said, when a load
 * balancer in front of the edge sent one, else the connection's own ends. Every public listener asks here, so the
 * address a load balancer passes on counts for everything (forwarded headers, {@code burrow-client-addr}, limits);
 * so does the agent port, for the address an agent session is logged and throttled by.
 */
public final class ClientAddress {
    private static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf(ClientAddress.class, "client");
    private static final AttributeKey<InetSocketAddress> REACHED = AttributeKey.valueOf(ClientAddress.class,
            "reached");

    private ClientAddress() {
    }

    /** The public client: the source a PROXY header gave, else the connection's peer. */
    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress told = channel.attr(CLIENT).get();
        return told != null ? told : (InetSocketAddress) channel.remoteAddress();
    }

    /** The address the client connected to: the destination a PROXY header gave, else this end of the connection. */
    public static InetSocketAddress reached(Channel channel) {
        InetSocketAddress told = channel.attr(REACHED).get();
        return told != null ? told : (InetSocketAddress) channel.localAddress();
    }

    public static void set(Channel channel, InetSocketAddress client, InetSocketAddress reached) {
        channel.attr(CLIENT).set(client);
        channel.attr(REACHED).set(reached);
    }
}
