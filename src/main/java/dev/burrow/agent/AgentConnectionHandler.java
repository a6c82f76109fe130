package dev.burrow.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/** The last handler of the agent's connection: reports the TLS outcome and the edge's GOAWAY to the connection. */
final class AgentConnectionHandler extends ChannelInboundHandlerAdapter {
    private final EdgeConnection connection;

    AgentConnectionHandler(EdgeConnection connection) {
        this.connection = connection;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            connection.tlsFailed(handshake.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame) {
            connection.onControlMessage(new dev.burrow.protocol.ControlMessage.Drain("edge sent GOAWAY"));
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
