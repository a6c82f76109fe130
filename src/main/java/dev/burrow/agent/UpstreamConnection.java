package dev.burrow.agent;

import dev.burrow.transport.HalfClosedSockets;
import dev.burrow.transport.StreamBytesCodec;
import dev.burrow.transport.StreamPipe;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public connection of a TCP or TLS tunnel, on the agent: dials the tunnel's upstream, answers the edge's
 * CONNECT with 200 once the upstream accepted, then hands stream and upstream to a {@link StreamPipe}. An upstream
 * that refuses or cannot be reached resets the stream with CONNECT_ERROR, which resets the public connection at
 * once. Bytes the edge sends meanwhile wait here and go first, after a PROXY protocol header if the tunnel asks for
 * one. The stream's tunnel is known when this is installed: {@link StreamDispatcher} refuses a stream for no such
 * tunnel.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private final UpstreamTransport transport;
    private final EdgeConnection connection;
    private final AgentTunnel tunnel;
    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private boolean dialing;
    private boolean edgeEnded;

    /** @param tunnel the TCP or TLS tunnel the stream is for */
    UpstreamConnection(UpstreamTransport transport, EdgeConnection connection, AgentTunnel tunnel) {
        this.transport = transport;
        this.connection = connection;
        this.tunnel = tunnel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.streamOpened();
        // Nothing more is read from the edge until the upstream accepted.
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!dialing && msg instanceof Http2HeadersFrame headers) {
            dialing = true;
            dial(ctx, headers.headers());
        } else if (msg instanceof ByteBuf bytes) {
            early.add(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN) {
            // The edge's end of input came before the upstream accepted: it follows the early bytes.
            edgeEnded = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void dial(ChannelHandlerContext ctx, Http2Headers connect) {
        Upstream target = tunnel.upstream();
        ChannelFuture connected = transport.bootstrap(ctx.channel().eventLoop())
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
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CONNECT_ERROR));
                return;
            }
            DuplexChannel upstream = (DuplexChannel) connected.channel();
            if (!ctx.channel().isActive()) {
                upstream.close();
                return;
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
            ProxyProtocol proxyProtocol = tunnel.options().proxyProtocol();
            if (proxyProtocol != ProxyProtocol.OFF) {
                ProxyHeader.write(upstream, proxyProtocol, connect);
            }
            // What the edge sent while the upstream was dialed goes out first: joining starts reading at once.
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                upstream.write(bytes);
            }
            upstream.flush();
            boolean ended = edgeEnded;
            ctx.pipeline().remove(this);
            StreamPipe.join(upstream, ctx.channel(), connection.pausedStreams());
            if (ended) {
                ctx.channel().pipeline().fireUserEventTriggered(StreamBytesCodec.INPUT_SHUTDOWN);
            }
        });
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Removed when the pipe takes over, or when the stream closes before: either way the stream counts as
        // closed once its channel is.
        ctx.channel().closeFuture().addListener(closed -> connection.streamClosed());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
