package dev.burrow.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The codec of a side that plays the HTTP/2 client on a connection whose peer may open no stream: the edge on an
 * agent connection, the agent toward an HTTP/2 upstream. A server opens streams only by PUSH_PROMISE (RFC 9113,
 * section 8.4), and push is off, so a stream the peer opens is a protocol violation, not a request to turn down.
 *
 * <p>The codec's SETTINGS_MAX_CONCURRENT_STREAMS of 0 holds from the first byte (Netty applies it when the codec is
 * built, not when the peer acknowledges it), and no stream may be reserved, so Netty refuses each such stream with a
 * stream error, and would answer them with RST_STREAM one by one for as long as the peer goes on. Here the first
 * one becomes a connection error instead: GOAWAY PROTOCOL_ERROR, then close.
 */
final class NoPeerStreamsCodec extends Http2FrameCodec {
    NoPeerStreamsCodec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings,
                       boolean decoupleCloseAndGoAway, boolean flushPreface) {
        super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
        Http2Exception error = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (!outbound && error instanceof Http2Exception.StreamException streamError
                && connection().remote().isValidStreamId(streamError.streamId())) {
            super.onError(ctx, false, Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "peer opened stream %d, but may open none", streamError.streamId()));
            return;
        }
        super.onError(ctx, outbound, cause);
    }
}
