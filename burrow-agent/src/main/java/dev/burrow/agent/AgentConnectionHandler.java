package dev.burrow.agent;

import dev.burrow.transport.Heartbeat;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The last handler of the agent's connection: reports to the connection the TLS outcome, the edge's GOAWAY, and
 * what else says why the connection ends (the edge gone silent, an HTTP/2 error).
 */
final class AgentConnectionHandler extends ChannelInboundHandlerAdapter {
    private final EdgeConnection connection;

    AgentConnectionHandler(EdgeConnection connection) {
        this.connection = connection;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            connection.tlsFailed(handshake.cause());
        } else if (evt == Heartbeat.TIMED_OUT) {
            connection.ending(ConnectionEnd.EDGE_SILENT);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame goAway) {
            connection.goAwayReceived(goAway.errorCode(), goAway.content().toString(StandardCharsets.UTF_8));
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception http2 = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (http2 != null) {
            // The codec sends GOAWAY with this error's code and closes by itself; closing first would say NO_ERROR.
            connection.ending(new ConnectionEnd(ConnectionEnd.Kind.LOST,
                    "the edge broke HTTP/2 (" + http2.error() + "): " + http2.getMessage()));
            return;
        }
        ctx.close();
    }
}
