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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every stream the edge opens: reads the kind and the tunnel from the first HEADERS frame,
 * installs that kind's pipeline in its place, gives its handlers the tunnel, and hands the frame on. A stream of
 * unknown kind, or a connection stream for no TCP or TLS tunnel of this connection, is reset with REFUSED_STREAM; an
 * HTTP stream for no HTTP tunnel is answered {@code 502} with {@code bad_message}.
 * One instance serves every stream of a connection: it keeps no state of its own, and a stream's pipeline is
 * changed as little as possible, since that cost shows in profiles at tens of thousands of streams a second.
 */
@ChannelHandler.Sharable
final class StreamDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);

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
        // The stream's one look-up of its tunnel: null if this connection holds no tunnel by that id (closed after
        // the edge opened the stream). The handlers installed below get what they need of it.
        CharSequence tunnelId = headers.headers().get(Protocol.TUNNEL_ID);
        AgentTunnel tunnel = connection.tunnel(tunnelId == null ? null : tunnelId.toString());
        switch (kind) {
            case CONTROL -> {
                ctx.pipeline().remove(this);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                ControlStream.configure(ctx.pipeline(), new AgentControlHandler(connection, hello));
            }
            case HTTP, UPGRADE -> {
                // No HTTP tunnel: the HTTP/1.1 exchange answers 502 with the agent's code for it.
                HttpTunnelOptions options = tunnel != null && tunnel.options() instanceof HttpTunnelOptions http
                        ? http : null;
                // Upgrade (WebSocket) streams always take HTTP/1.1, the only version whose upgrade the edge relays.
                if (kind == StreamKind.HTTP && options != null && options.upstreamProtocol().isHttp2()) {
                    // Frames go to the upstream as they are: no conversion to HTTP/1.1 and back.
                    ctx.pipeline().replace(this, "upstream", new Http2UpstreamExchange(context, connection, options));
                } else {
                    ctx.pipeline().replace(this, "http", new StreamHttpCodec(true)).addLast("upstream",
                            new Http1UpstreamExchange(context, connection, options, kind == StreamKind.UPGRADE));
                }
                ExchangeLog inspected = context.exchangeLog();
                if (inspected != null) {
                    // First in the pipeline: it sees the stream's own frames whichever relay follows.
                    ctx.pipeline().addFirst("capture",
                            new ExchangeCapture(inspected, options == null ? null : tunnel.url()));
                }
                ctx.pipeline().fireChannelRead(headers);
            }
            case CONNECTION -> {
                if (tunnel == null || tunnel.options() instanceof HttpTunnelOptions) {
                    log.atWarn().addKeyValue("tunnel", tunnelId)
                            .log("connection for no TCP or TLS tunnel of this agent");
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                    return;
                }
                ctx.pipeline().replace(this, "bytes", new StreamBytesCodec())
                        .addLast("upstream", new UpstreamConnection(context.transport(), connection, tunnel));
                ctx.pipeline().fireChannelRead(headers);
            }
        }
    }
}
