package dev.burrow.agent;

import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.Http2Answers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exchange with an upstream that speaks HTTP/2: opens a stream on the upstream's shared connection
 * ({@link Http2Upstreams}) and relays frames both ways as they are, HEADERS, DATA, trailers, and resets with their
 * error code, so that gRPC status, streaming and cancellation pass end to end. Backpressure on the upstream side
 * pauses the upstream stream through the connection's {@link dev.burrow.transport.PausedStreams}, since a paused
 * stream holds up to its window.
 *
 * <p>Relays frames as new frames holding the same buffers; releases what it drops.
 */
final class Http2UpstreamExchange extends UpstreamExchange {
    private static final Logger log = LoggerFactory.getLogger(Http2UpstreamExchange.class);

    private boolean headRequest;

    /** @param tunnel the stream's tunnel, whose upstream speaks HTTP/2 */
    Http2UpstreamExchange(StreamContext context, EdgeConnection connection, HttpTunnelOptions tunnel) {
        super(context, connection, tunnel);
    }

    @Override
    protected void start(Object head) {
        // StreamDispatcher hands on the stream's first HEADERS frame first.
        Http2HeadersFrame frame = (Http2HeadersFrame) head;
        Http2Headers headers = frame.headers();
        headRequest = AsciiString.contentEquals(HttpMethod.HEAD.asciiName(), headers.method());
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        Upstream target = tunnel.upstream();
        if ("rewrite".equals(tunnel.hostHeader())) {
            headers.authority(target.host() + ":" + target.port());
        } else if (tunnel.hostHeader() != null) {
            headers.authority(tunnel.hostHeader());
        }
        UpstreamPool.Key key = new UpstreamPool.Key(stream.channel().eventLoop(), target, tunnel.verifyUpstreamTls());
        context.http2Upstreams().openStream(key, new UpstreamEnd())
                .addListener(future -> opened(future, new DefaultHttp2HeadersFrame(headers, frame.isEndStream())));
    }

    private void opened(Future<?> opened, Http2HeadersFrame headers) {
        if (!opened.isSuccess()) {
            String reason = Causes.describe(opened.cause());
            log.atDebug().addKeyValue("upstream", tunnel.upstream()).log("upstream unreachable: {}", reason);
            fail(Failure.UNREACHABLE, "The agent could not reach its HTTP/2 upstream at <code>" + upstreamName()
                    + "</code>: " + ErrorPages.escape(reason) + ".");
            return;
        }
        Http2StreamChannel child = (Http2StreamChannel) opened.getNow();
        if (state() == State.DONE) {
            child.close();
            return;
        }
        child.write(headers);
        attached(child, headers.isEndStream());
    }

    @Override
    protected boolean toUpstream(Channel upstream, Object part) {
        if (part instanceof Http2DataFrame data) {
            upstream.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
            return data.isEndStream();
        }
        if (part instanceof Http2HeadersFrame trailers) {
            HopByHopHeaders.strip(trailers.headers());
            HopByHopHeaders.stripInternal(trailers.headers());
            upstream.write(new DefaultHttp2HeadersFrame(trailers.headers(), trailers.isEndStream()));
            return trailers.isEndStream();
        }
        // A frame that carries nothing to relay.
        ReferenceCountUtil.release(part);
        return false;
    }

    @Override
    protected void answer(FullHttpResponse page) {
        Http2Answers.send(stream, page, !headRequest);
    }

    @Override
    protected void paceUpstream(Channel upstream, boolean streamWritable) {
        connection.pausedStreams().pace(upstream, streamWritable);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset && upstream() != null) {
            // The public client's reason (a cancelled call, say) goes on to the upstream.
            upstream().writeAndFlush(new DefaultHttp2ResetFrame(errorOf(reset)));
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static Http2Error errorOf(Http2ResetFrame reset) {
        Http2Error error = Http2Error.valueOf(reset.errorCode());
        return error != null ? error : Http2Error.CANCEL;
    }

    /** The upstream stream: relays the response (and its trailers, or its reset) onto the tunnel stream. */
    private final class UpstreamEnd extends ChannelInboundHandlerAdapter {
        private Http2Error resetBy;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state() == State.DONE) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof Http2HeadersFrame headers) {
                fromUpstream(headers);
            } else if (msg instanceof Http2DataFrame data && state().answerBegun()) {
                toStream(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
                if (data.isEndStream()) {
                    // The upstream stream may close before its read completes: the end goes out now.
                    answerEnded();
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void fromUpstream(Http2HeadersFrame frame) {
            Http2Headers headers = frame.headers();
            if (!state().answerBegun()) {
                CharSequence status = headers.status();
                if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                    return;
                }
                answerBegins();
            }
            HopByHopHeaders.strip(headers);
            HopByHopHeaders.stripInternal(headers);
            toStream(new DefaultHttp2HeadersFrame(headers, frame.isEndStream()));
            if (frame.isEndStream()) {
                answerEnded();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushStream();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                resetBy = errorOf(reset);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            upstreamWritable(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Cut short with the upstream's reason once the answer began: the client must never take a partial
            // answer for a whole one.
            String how = resetBy != null ? "reset the stream (" + resetBy + ")" : "closed the connection";
            fail(Failure.BROKEN, "The upstream " + how + " before it answered.",
                    resetBy != null ? resetBy : Http2Error.CANCEL);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream stream failed: {}", cause.toString());
            ctx.close();
        }
    }
}
