package dev.burrow.edge.tcp;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Tunnel;
import dev.burrow.transport.ClientAddress;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.StreamBytesCodec;
import dev.burrow.transport.StreamPipe;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.BooleanSupplier;

/**
 * One public connection of a TCP or TLS tunnel: opens a stream to the tunnel's agent, then hands both to a
 * {@link StreamPipe}. The connection runs on its agent connection's event loop. Bytes read before the stream is
 * open (a ClientHello read to route by its server name) wait here and go first. If the agent cannot take one more
 * stream, or the edge is draining, the connection is closed at once.
 */
public final class PublicConnectionHandler extends ChannelInboundHandlerAdapter {
    private final Tunnel tunnel;
    private final BooleanSupplier draining;
    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private boolean opening;

    public PublicConnectionHandler(Tunnel tunnel, BooleanSupplier draining) {
        this.tunnel = tunnel;
        this.draining = draining;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            open(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        open(ctx);
        ctx.fireChannelActive();
    }

    private void open(ChannelHandlerContext ctx) {
        if (opening) {
            return;
        }
        opening = true;
        AgentSession session = tunnel.session();
        if (draining.getAsBoolean() || !session.acceptsStreams() || !session.hasStreamCapacity()) {
            ctx.close();
            return;
        }
        session.openStream(new StreamBytesCodec()).addListener(opened -> {
            if (!opened.isSuccess()) {
                ctx.close();
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            stream.write(new DefaultHttp2HeadersFrame(headers(ctx), false));
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                stream.write(bytes);
            }
            stream.flush();
            ctx.pipeline().remove(this);
            StreamPipe.join((DuplexChannel) ctx.channel(), stream, session.pausedStreams());
        });
    }

    /** A CONNECT to the public address the client reached, with the tunnel and the client's address. */
    private Http2Headers headers(ChannelHandlerContext ctx) {
        InetSocketAddress reached = ClientAddress.reached(ctx.channel());
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        return new DefaultHttp2Headers()
                .method("CONNECT")
                .authority(HostPort.of(reached).toString())
                .set(Protocol.STREAM_KIND, StreamKind.CONNECTION.wireName())
                .set(Protocol.TUNNEL_ID, tunnel.id())
                .set(Protocol.CLIENT_ADDR, HostPort.of(client).toString());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            early.add(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
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
