package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ControlStream;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.StreamBytesCodec;
import dev.burrow.transport.StreamHttpCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of every stream the edge opens: reads the kind from the first HEADERS frame, installs that
 * kind's pipeline in its place, and hands the frame on. A stream of unknown kind is reset with REFUSED_STREAM.
 * One instance serves every stream of a connection: it keeps no state of its own, and a stream's pipeline is
 * changed as little as possible, since that cost shows in profiles at tens of thousands of streams a second.
 */
@ChannelHandler.Sharable
final class StreamDispatcher extends ChannelInboundHandlerAdapter {
    private final StreamContext context;
    private final EdgeConnection connection;
    private final ControlMessage.Hello hello;

    StreamDispatcher(StreamContext context, EdgeConnection connection, ControlMessage.Hello hello) {
        this.context = context;
        this.connection = connection;
        this.hello = hello;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame headers)) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
            return;
        }
        StreamKind kind = StreamKind.fromWire(headers.headers().get(Protocol.STREAM_KIND));
        if (kind == null) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
            return;
        }
        switch (kind) {
            case CONTROL -> {
                ctx.pipeline().remove(this);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                ControlStream.configure(ctx.pipeline(), new AgentControlHandler(connection, hello));
            }
            case HTTP, UPGRADE -> {
                if (kind == StreamKind.HTTP && upstreamSpeaksHttp2(headers)) {
                    // Frames go to the upstream as they are: no conversion to HTTP/1.1 and back.
                    ctx.pipeline().replace(this, "upstream", new Http2UpstreamExchange(context, connection));
                } else {
                    ctx.pipeline().replace(this, "http", new StreamHttpCodec(true))
                            .addLast("upstream", new UpstreamExchange(context, connection, kind == StreamKind.UPGRADE));
                }
                ExchangeLog inspected = context.exchangeLog();
                if (inspected != null) {
                    // First in the pipeline: it sees the stream's own frames whichever relay follows.
                    ctx.pipeline().addFirst("capture", new ExchangeCapture(inspected, id -> {
                        AgentTunnel tunnel = connection.tunnel(id);
                        return tunnel == null ? null : tunnel.url();
                    }));
                }
                ctx.pipeline().fireChannelRead(headers);
            }
            case CONNECTION -> {
                ctx.pipeline().replace(this, "bytes", new StreamBytesCodec())
                        .addLast("upstream", new UpstreamConnection(context.transport(), connection));
                ctx.pipeline().fireChannelRead(headers);
            }
        }
    }

    /**
     * True for a stream of an HTTP tunnel whose upstream speaks HTTP/2. Upgrade (WebSocket) streams always take
     * HTTP/1.1, the only version whose upgrade the edge relays.
     */
    private boolean upstreamSpeaksHttp2(Http2HeadersFrame headers) {
        CharSequence tunnelId = headers.headers().get(Protocol.TUNNEL_ID);
        AgentTunnel tunnel = connection.tunnel(tunnelId == null ? null : tunnelId.toString());
        return tunnel != null && tunnel.options() instanceof HttpTunnelOptions options
                && options.upstreamProtocol().isHttp2();
    }
}
