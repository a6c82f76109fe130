package dev.burrow.edge;

import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/** Assembles an agent connection on the edge: TLS, HTTP/2 in the client role, heartbeat, session handling. */
final class AgentListenerInitializer extends ChannelInitializer<SocketChannel> {
    private final EdgeContext edge;
    private final SslContext sslContext;

    AgentListenerInitializer(EdgeContext edge, SslContext sslContext) {
        this.edge = edge;
        this.sslContext = sslContext;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(edge.config.handshakeTimeout().toMillis());
        Heartbeat heartbeat = new Heartbeat(edge.config.heartbeatInterval(), edge.config.heartbeatMisses());
        // Agents never open streams: the codec ends the connection at the first one an agent opens.
        StreamMux mux = new StreamMux(null);
        AgentSession session = new AgentSession(ch, heartbeat, mux);
        Http2FrameCodec codec = Http2Tuning.edgeCodec();
        codec.connection().addListener(session.end());
        ch.pipeline()
                .addLast("tls", tls)
                .addLast("flush", Http2Tuning.flushConsolidation())
                .addLast("h2", codec)
                .addLast("window", new ConnectionWindow(Http2Tuning.CONNECTION_WINDOW))
                .addLast("mux", mux)
                .addLast("heartbeat", heartbeat)
                .addLast("session", new AgentConnectionHandler(edge, session));
    }
}
