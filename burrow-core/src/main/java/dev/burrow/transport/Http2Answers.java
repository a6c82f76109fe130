package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Sends an answer made whole in memory (an error page, a policy's refusal) on an HTTP/2 stream, so that such answers
 * are made once, as {@link io.netty.handler.codec.http.FullHttpResponse}s, whatever the stream carries.
 */
public final class Http2Answers {
    private Http2Answers() {
    }

    /**
     * Writes and flushes {@code response} as one HEADERS frame and, if it has a body and {@code withBody} (false for
     * an answer to HEAD), one DATA frame; the last frame ends the stream. Releases the response.
     */
    public static void send(TunnelStream stream, FullHttpResponse response, boolean withBody) {
        ByteBuf body = response.content();
        boolean sendBody = withBody && body.isReadable();
        try {
            stream.write(HttpConversionUtil.toHttp2Headers(response, false), !sendBody);
            if (sendBody) {
                stream.write(body.retain(), true);
            }
            stream.flush();
        } finally {
            response.release();
        }
    }
}
