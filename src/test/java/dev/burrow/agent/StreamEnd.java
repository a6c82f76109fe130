package dev.burrow.agent;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;

/**
 * First on an embedded tunnel stream: ends the stream as a stream channel of Netty's HTTP/2 codec does, and records
 * how the edge would see it end. A reset frame, once flushed, resets and closes the stream; a stream closed before it
 * sent its END_STREAM is reset with CANCEL.
 */
final class StreamEnd extends ChannelDuplexHandler {
    private boolean ended;
    private boolean resetWritten;
    private Http2Error reset;

    /** The code the stream was reset with, or null if it was not. */
    Http2Error reset() {
        return reset;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2ResetFrame frame) {
            reset = Http2Error.valueOf(frame.errorCode());
            resetWritten = true;
        }
        ended |= msg instanceof Http2HeadersFrame headers && headers.isEndStream()
                || msg instanceof Http2DataFrame data && data.isEndStream();
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (resetWritten) {
            ctx.close();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!ended && reset == null) {
            reset = Http2Error.CANCEL;
        }
        ctx.close(promise);
    }
}
