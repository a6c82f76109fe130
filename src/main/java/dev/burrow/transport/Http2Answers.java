package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Sends an answer made whole in memory (an error page, a policy's refusal) on an HTTP/2 stream whose handlers speak
 * frames, so that such answers are made once, as {@link io.netty.handler.codec.http.FullHttpResponse}s, whatever
 * the stream carries.
 */
public final class Http2Answers {
    private Http2Answers() {
    }

    /**
     * Writes and flushes {@code response} as one HEADERS frame and, if it has a body and {@code withBody} (false for
     * an answer to HEAD), one DATA frame; the last frame ends the stream. Releases the response.
     *
     * @return the future of the last frame
     */
    public static ChannelFuture send(ChannelOutboundInvoker stream, FullHttpResponse response, boolean withBody) {
        ByteBuf body = response.content();
        boolean sendBody = withBody && body.isReadable();
        try {
            ChannelFuture last = stream.write(new DefaultHttp2HeadersFrame(
                    HttpConversionUtil.toHttp2Headers(response, false), !sendBody));
            if (sendBody) {
                last = stream.write(new DefaultHttp2DataFrame(body.retain(), true));
            }
            stream.flush();
            return last;
        } finally {
            response.release();
        }
    }
}
