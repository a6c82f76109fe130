package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's end of the control stream: says hello when the stream opens and hands every answer on. */
final class AgentControlHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AgentControlHandler.class);

    private final EdgeConnection connection;
    private final ControlMessage.Hello hello;

    AgentControlHandler(EdgeConnection connection, ControlMessage.Hello hello) {
        this.connection = connection;
        this.hello = hello;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.controlOpened(ctx.channel());
        ctx.writeAndFlush(hello);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ControlMessage message) {
            connection.onControlMessage(message);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atWarn().log("control stream failed: {}", cause.toString());
        connection.close();
    }
}
