package dev.burrow.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Raises the connection-level receive window once the codec has written its preface. SETTINGS can only size the
 * per-stream window; the connection window starts at 64 KiB and would otherwise throttle every stream together.
 */
public final class ConnectionWindow extends ChannelInboundHandlerAdapter {
    private final int window;

    /** @param window the connection's receive window once raised, in bytes */
    public ConnectionWindow(int window) {
        this.window = window;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            raise(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        raise(ctx);
        ctx.fireChannelActive();
    }

    private void raise(ChannelHandlerContext ctx) {
        int increment = window - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        ctx.pipeline().remove(this);
    }
}
