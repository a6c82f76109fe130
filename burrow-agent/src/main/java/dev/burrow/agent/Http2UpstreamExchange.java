package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
 * <p>Passes the frames' buffers on as they are, without copying; releases what it drops.
 */
final class Http2UpstreamExchange extends UpstreamExchange {
    private static final Logger log = LoggerFactory.getLogger(Http2UpstreamExchange.class);

    private boolean headRequest;

    /** @param tunnel the stream's tunnel, whose upstream speaks HTTP/2 */
    Http2UpstreamExchange(StreamContext context, EdgeConnection connection, TunnelStream stream,
                          HttpTunnelOptions tunnel, ExchangeCapture capture) {
        super(context, connection, stream, tunnel, capture);
    }

    @Override
    protected Object requestPart(Http2Headers headers, boolean endStream) {
        return new DefaultHttp2HeadersFrame(headers, endStream);
    }

    @Override
    protected Object requestPart(ByteBuf data, boolean endStream) {
        return new DefaultHttp2DataFrame(data, endStream);
    }

    @Override
    protected void start(Object head) {
        // The stream's first frame is its HEADERS: StreamDispatcher hands it on first.
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
        UpstreamPool.Key key = new UpstreamPool.Key(stream.eventLoop(), target, tunnel.verifyUpstreamTls());
        context.http2Upstreams().openStream(key, new UpstreamEnd()).addListener(future -> opened(future, frame));
    }

    private void opened(Future<?> opened, Http2HeadersFrame headers) {
        if (!opened.isSuccess()) {
            String reason = Causes.describe(opened.cause());
            log.atDebug().addKeyValue("upstream", tunnel.upstream()).log("upstream unreachable: {}", reason);
            fail(ExchangeFailure.UNREACHABLE, "The agent could not reach its HTTP/2 upstream at " + upstreamName() + ": "
                    + reason + ".");
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
        // The parts are frames of no stream yet: the upstream's stream channel makes them its own.
        if (part instanceof Http2DataFrame data) {
            upstream.write(data);
            return data.isEndStream();
        }
        Http2HeadersFrame trailers = (Http2HeadersFrame) part;
        HopByHopHeaders.strip(trailers.headers());
        HopByHopHeaders.stripInternal(trailers.headers());
        upstream.write(trailers);
        return trailers.isEndStream();
    }

    @Override
    protected boolean pageBody() {
        return !headRequest;
    }

    @Override
    protected void paceUpstream(Channel upstream, boolean streamWritable) {
        connection.pausedStreams().pace(upstream, streamWritable);
    }

    @Override
    protected void edgeReset(Channel upstream, Http2Error code) {
        // The public client's reason (a cancelled call, say) goes on to the upstream.
        upstream.writeAndFlush(new DefaultHttp2ResetFrame(code));
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
                edge.write(data.content(), data.isEndStream());
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
            edge.write(headers, frame.isEndStream());
            if (frame.isEndStream()) {
                answerEnded();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            edge.flush();
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
            fail(ExchangeFailure.BROKEN, "The upstream " + how + " before it answered.",
                    resetBy != null ? resetBy : Http2Error.CANCEL);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream stream failed: {}", cause.toString());
            ctx.close();
        }
    }
}
