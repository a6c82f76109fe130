package dev.burrow.edge.sni;

import dev.burrow.edge.observe.ConnectionTap;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.edge.tcp.PublicConnectionHandler;
import dev.burrow.transport.HalfClosedSockets;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** Assembles a public TLS connection: the connection caps, then the router that reads its server name. */
public final class PublicTlsInitializer extends ChannelInitializer<SocketChannel> {
    private final SniEdge edge;

    public PublicTlsInitializer(SniEdge edge) {
        this.edge = edge;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        // Once routed the connection is a byte pipe, which paces its reads by the stream and carries a FIN across.
        ch.config().setAutoRead(false);
        ch.config().setAllowHalfClosure(true);
        HalfClosedSockets.keepWatched(ch);
        edge.proxyProtocol().install(ch, pipeline -> {
            pipeline.addLast("limit", edge.connectionLimiter());
            ConnectionTap tap = edge.exchangeObserver() == ExchangeObserver.NONE ? null
                    : new ConnectionTap(edge.exchangeObserver(), ExchangeRecord.Protocol.TLS, null);
            if (tap != null) {
                pipeline.addLast("observe", tap);
            }
            pipeline.addLast("sni", new SniRouter(edge.maxClientHelloLength(), edge.clientHelloTimeout(),
                    edge::findTls, tunnel -> {
                        if (tap != null) {
                            tap.routed(tunnel);
                        }
                        return new PublicConnectionHandler(tunnel, edge::draining, edge.connectionPhase(),
                                edge.policyTimeout());
                    }));
        });
    }
}
