package dev.burrow.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.List;

/**
 * Netty's conversion between one HTTP/2 stream's frames and HTTP/1.1 objects, except that a message keeps its
 * {@code Trailer} field. Netty's HTTP/2 to HTTP/1.1 conversion removes it, but it is an end-to-end field (RFC 9110,
 * section 6.6.2; only {@code TE} among the trailer fields is hop-by-hop): a client of a chunked answer must still
 * learn which trailer fields to expect.
 */
public final class StreamHttpCodec extends Http2StreamFrameToHttpObjectCodec {
    public StreamHttpCodec(boolean isServer) {
        super(isServer);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
        int first = out.size();
        super.decode(ctx, frame, out);
        if (frame instanceof Http2HeadersFrame headers && headers.headers().contains(HttpHeaderNames.TRAILER)) {
            for (int i = first; i < out.size(); i++) {
                if (out.get(i) instanceof HttpMessage message) {
                    for (CharSequence declared : headers.headers().getAll(HttpHeaderNames.TRAILER)) {
                        message.headers().add(HttpHeaderNames.TRAILER, declared);
                    }
                }
            }
        }
    }
}
