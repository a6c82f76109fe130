package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;

/**
 * Turns an HTTP/2 stream into a byte pipe: inbound DATA frames become their {@link ByteBuf} content (ownership
 * passes on, no copy), and outbound ByteBufs become DATA frames. The peer's END_STREAM is fired as
 * {@link #INPUT_SHUTDOWN}, so a relay can carry a half-close. Other frames pass through untouched.
 */
public final class StreamBytesCodec extends ChannelDuplexHandler {
    /** User event: the peer ended its side of the stream. */
    public static final Object INPUT_SHUTDOWN = new Object() {
        @Override
        public String toString() {
            return "INPUT_SHUTDOWN";
        }
    };

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            boolean end = data.isEndStream();
            ByteBuf content = data.content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
            if (end) {
                ctx.fireUserEventTriggered(INPUT_SHUTDOWN);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            ctx.write(new DefaultHttp2DataFrame(buf, false), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    /** The frame that ends this side of a stream without more bytes. */
    public static Http2DataFrame endOfStream() {
        return new DefaultHttp2DataFrame(true);
    }
}
