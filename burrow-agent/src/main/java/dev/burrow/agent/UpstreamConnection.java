package dev.burrow.agent;

import dev.burrow.transport.HalfClosedSockets;
import dev.burrow.transport.TunnelPipe;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public connection of a TCP or TLS tunnel, on the agent: dials the tunnel's upstream, answers the edge's
 * CONNECT with 200 once the upstream accepted, then joins stream and upstream in a {@link TunnelPipe}. An upstream
 * that refuses or cannot be reached resets the stream with CONNECT_ERROR, which resets the public connection at
 * once. What the edge sends meanwhile (bytes, its end) waits in the stream, which does not read until the pipe
 * takes it over, and then goes first, after a PROXY protocol header if the tunnel asks for one. The stream's tunnel
 * is known when this is installed: {@link StreamDispatcher} refuses a stream for no such tunnel.
 */
final class UpstreamConnection implements TunnelStream.Handler {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private final UpstreamTransport transport;
    private final EdgeConnection connection;
    private final TunnelStream stream;
    private final AgentTunnel tunnel;
    private boolean dialing;

    /** @param tunnel the TCP or TLS tunnel the stream is for */
    UpstreamConnection(UpstreamTransport transport, EdgeConnection connection, TunnelStream stream,
                       AgentTunnel tunnel) {
        this.transport = transport;
        this.connection = connection;
        this.stream = stream;
        this.tunnel = tunnel;
        connection.streamOpened();
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        if (!dialing) {
            dialing = true;
            // Nothing more is read from the edge until the pipe takes the stream over.
            stream.reading(false);
            dial(headers);
        }
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        // Not reading, so nothing comes but what was read with the CONNECT; the pipe would get the rest.
        data.release();
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        // Reset or refused before the pipe took over.
        connection.streamClosed();
    }

    private void dial(Http2Headers connect) {
        Upstream target = tunnel.upstream();
        ChannelFuture connected = transport.bootstrap(stream.eventLoop())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The pipe adds its handler once the stream is answered.
                        HalfClosedSockets.keepWatched(ch);
                    }
                })
                .connect(target.host(), target.port());
        connected.addListener(done -> {
            if (!done.isSuccess()) {
                log.atWarn().addKeyValue("upstream", target).addKeyValue("url", tunnel.url())
                        .log("upstream refused a tunnel connection: {}", done.cause().getMessage());
                stream.reset(Http2Error.CONNECT_ERROR);
                return;
            }
            DuplexChannel upstream = (DuplexChannel) connected.channel();
            if (!stream.isActive()) {
                upstream.close();
                return;
            }
            stream.write(new DefaultHttp2Headers().status("200"), false);
            stream.flush();
            ProxyProtocol proxyProtocol = tunnel.options().proxyProtocol();
            if (proxyProtocol != ProxyProtocol.OFF) {
                ProxyHeader.write(upstream, proxyProtocol, connect);
                upstream.flush();
            }
            // From now on the stream's handler is the pipe, which closes the socket when the stream closes and the
            // stream when the socket closes: the stream counts on the connection until its socket is closed.
            upstream.closeFuture().addListener(closed -> connection.streamClosed());
            TunnelPipe.join(upstream, stream, connection.pausedStreams());
        });
    }
}
