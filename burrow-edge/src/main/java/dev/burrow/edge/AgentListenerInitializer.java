package dev.burrow.edge;

import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Supplier;

/**
 * Assembles an agent connection on the edge: TLS, HTTP/2 in the client role, heartbeat, session handling. From a
 * load balancer listed in {@code proxyProtocolFrom}, only once the PROXY header before TLS has named the agent.
 */
final class AgentListenerInitializer extends ChannelInitializer<SocketChannel> {
    private final EdgeContext edge;
    /** The context of the agent port's certificate as it is when a connection arrives: a reload may replace it. */
    private final Supplier<SslContext> tls;

    AgentListenerInitializer(EdgeContext edge, Supplier<SslContext> tls) {
        this.edge = edge;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        // The agent's address, as the session logs it and the auth throttle counts it, must be the agent's own,
        // not the load balancer's: else one agent's wrong token would throttle every agent behind it.
        edge.proxyProtocol.install(ch, pipeline -> assemble(ch, pipeline));
    }

    private void assemble(SocketChannel ch, ChannelPipeline pipeline) {
        SslHandler tls = this.tls.get().newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(edge.config.handshakeTimeout().toMillis());
        Heartbeat heartbeat = new Heartbeat(edge.config.heartbeatInterval(), edge.config.heartbeatMisses());
        // Agents never open streams: the codec ends the connection at the first one an agent opens.
        StreamMux mux = new StreamMux(null);
        AgentSession session = new AgentSession(ch, heartbeat, mux);
        Http2FrameCodec codec = Http2Tuning.edgeCodec();
        codec.connection().addListener(session.end());
        pipeline
                .addLast("limit", edge.agentConnectionLimiter)
                .addLast("tls", tls)
                .addLast("flush", Http2Tuning.flushConsolidation())
                .addLast("h2", codec)
                .addLast("window", new ConnectionWindow(Http2Tuning.CONNECTION_WINDOW))
                .addLast("mux", mux)
                .addLast("heartbeat", heartbeat)
                .addLast("session", new AgentConnectionHandler(edge, session));
    }
}
