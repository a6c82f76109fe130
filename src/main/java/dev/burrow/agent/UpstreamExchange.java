package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.StreamBytesCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tunnel stream on the agent: opens a connection to the tunnel's upstream, sends it the request as HTTP/1.1,
 * and streams the answer back; for an upgrade the stream then becomes a byte pipe to the upstream. The upstream
 * connection shares the stream's event loop, so everything here runs on one thread. Backpressure runs through
 * auto-read both ways: an unwritable side stops reading from the other.
 *
 * <p>Passes request parts to the upstream and response parts to the stream; releases what it drops.
 */
final class UpstreamExchange extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamExchange.class);

    private final StreamContext context;
    private final EdgeConnection connection;
    private final boolean upgrade;
    private ChannelHandlerContext stream;
    private final HttpTunnelOptions tunnel;
    private Channel upstream;
    private final Queue<Object> beforeConnect = new ArrayDeque<>();
    private boolean upstreamDirty;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean switched;
    private boolean skippingInterim;
    private ScheduledFuture<?> responseTimer;
    private UpstreamPool.Key poolKey;
    private boolean requestComplete;
    private FullHttpRequest retryCopy;

    /** @param tunnel the stream's tunnel, or null if this connection holds no HTTP tunnel by the edge's id */
    UpstreamExchange(StreamContext context, EdgeConnection connection, HttpTunnelOptions tunnel, boolean upgrade) {
        this.context = context;
        this.connection = connection;
        this.tunnel = tunnel;
        this.upgrade = upgrade;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.stream = ctx;
        connection.streamOpened();
        // Nothing more is read from the edge until the upstream connection can take it.
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (poolKey == null && msg instanceof HttpRequest request) {
            start(request);
            return;
        }
        if (msg instanceof HttpContent || msg instanceof ByteBuf) {
            if (responseDone && !switched) {
                // Answered already (an error page): the rest of the request has nowhere to go.
                ReferenceCountUtil.release(msg);
            } else if (upstream == null) {
                beforeConnect.add(msg);
            } else if (upstream.isActive() && !(upgrade && !switched && msg instanceof LastHttpContent)) {
                upstream.write(msg);
                upstreamDirty = true;
                if (msg instanceof LastHttpContent) {
                    requestComplete = true;
                    startResponseTimer();
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstreamDirty && upstream != null) {
            upstream.flush();
            upstreamDirty = false;
        }
        ctx.fireChannelReadComplete();
    }

    private void start(HttpRequest request) {
        if (tunnel == null) {
            ReferenceCountUtil.release(request);
            respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.BAD_MESSAGE, "Unknown tunnel",
                    "This agent has no HTTP tunnel with the id the edge sent.");
            return;
        }
        Upstream target = tunnel.upstream();
        String upgradeProtocol = request.headers().get(Protocol.UPGRADE);
        prepareRequest(request, target, upgradeProtocol);
        poolKey = new UpstreamPool.Key(stream.channel().eventLoop(), target, tunnel.verifyUpstreamTls());
        // An upgraded connection never returns to the pool, so an upgrade always takes a fresh one.
        Channel idle = upgrade ? null : context.pool().poll(poolKey);
        if (idle != null) {
            attach(idle, request, true);
        } else {
            connectFresh(request);
        }
    }

    private void connectFresh(HttpRequest request) {
        Upstream target = poolKey.upstream();
        context.pool().connect(poolKey).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(request);
                releaseQueued();
                String reason = Causes.describe(f.cause());
                log.atDebug().addKeyValue("upstream", target).log("upstream unreachable: {}", reason);
                respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_UNREACHABLE, "Bad Gateway",
                        "The agent could not reach its upstream at <code>" + ErrorPages.escape(target.toString())
                                + "</code>: " + ErrorPages.escape(reason) + ".");
                return;
            }
            if (!stream.channel().isActive()) {
                ReferenceCountUtil.release(request);
                releaseQueued();
                f.channel().close();
                return;
            }
            attach(f.channel(), request, false);
        });
    }

    /**
     * Sends the request on a connection. On a pooled one, a whole request is kept until the answer begins: the
     * upstream may have closed the idle connection just as it was taken, and then the request goes once more on a
     * fresh connection.
     */
    private void attach(Channel channel, HttpRequest request, boolean pooled) {
        upstream = channel;
        UpstreamPool.handTo(channel, new ResponseRelay());
        // A pooled connection may carry the pause of its previous exchange; this one paces it anew.
        channel.config().setAutoRead(stream.channel().isWritable());
        if (pooled && request instanceof FullHttpRequest full) {
            retryCopy = full.retainedDuplicate();
        }
        upstream.write(request);
        requestComplete = request instanceof LastHttpContent || upgrade;
        Object queued;
        while ((queued = beforeConnect.poll()) != null) {
            requestComplete |= queued instanceof LastHttpContent;
            upstream.write(queued);
        }
        upstream.flush();
        if (requestComplete) {
            startResponseTimer();
        }
        connection.pausedStreams().pace(stream.channel(), upstream.isWritable());
    }

    private void releaseRetryCopy() {
        if (retryCopy != null) {
            retryCopy.release();
            retryCopy = null;
        }
    }

    private void prepareRequest(HttpRequest request, Upstream target, String upgradeProtocol) {
        HttpHeaders headers = request.headers();
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (upgradeProtocol != null && upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                    .set(HttpHeaderNames.UPGRADE, upgradeProtocol);
        } else if (request instanceof FullHttpRequest full) {
            if (full.content().isReadable() && !HttpUtil.isContentLengthSet(request)) {
                HttpUtil.setContentLength(request, full.content().readableBytes());
            } else if (!full.content().isReadable() && bodylessMethod(request)) {
                // HTTP/2 to HTTP/1.1 conversion adds "Content-Length: 0"; a GET should carry no body framing.
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
        } else if (!HttpUtil.isContentLengthSet(request)) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        String host = tunnel.upstreamHost(headers.get(HttpHeaderNames.HOST));
        if (host != null) {
            headers.set(HttpHeaderNames.HOST, host);
        }
    }

    private static boolean bodylessMethod(HttpRequest request) {
        HttpMethod method = request.method();
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.DELETE.equals(method)
                || HttpMethod.OPTIONS.equals(method);
    }

    /** The upstream has the whole request: from now it has the response timeout to begin its answer. */
    private void startResponseTimer() {
        long timeoutMs = context.responseTimeout().toMillis();
        responseTimer = stream.executor().schedule(this::responseTimedOut, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void responseTimedOut() {
        if (!responseStarted && stream.channel().isActive()) {
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, ErrorCode.UPSTREAM_TIMEOUT, "Gateway Timeout",
                    "The upstream at <code>" + ErrorPages.escape(tunnel.upstream().toString())
                            + "</code> did not answer within " + context.responseTimeout().toSeconds() + "s.");
            closeUpstream();
        }
    }

    /** Answers the edge with the agent's own error page, which ends the stream. */
    private void respondError(HttpResponseStatus status, ErrorCode code, String title, String detail) {
        // The page carries the code in Protocol.AGENT_ERROR, which the edge passes on to the client.
        stream.writeAndFlush(ErrorPages.page(stream.alloc(), status, code.wireName(), title, detail));
        responseStarted = true;
        answered();
    }

    /**
     * The answer is complete. Reading resumes so that the rest of the request is drained and released and the
     * stream's end (or reset) is seen: a stream that never reads again would never close.
     */
    private void answered() {
        responseDone = true;
        releaseQueued();
        connection.pausedStreams().pace(stream.channel(), true);
    }

    private void releaseQueued() {
        Object queued;
        while ((queued = beforeConnect.poll()) != null) {
            ReferenceCountUtil.release(queued);
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN && switched) {
            // The public client is gone: nothing more will come for the upstream.
            closeUpstream();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        releaseQueued();
        releaseRetryCopy();
        // The edge reset the stream or the exchange is over: either way the upstream connection is done.
        closeUpstream();
        connection.streamClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().log("tunnel stream failed: {}", cause.toString());
        ctx.close();
    }

    /** Holds the upstream connection for the exchange: relays the response (or the upgraded bytes) onto the stream. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        private boolean streamDirty;
        private boolean upstreamKeepsAlive;

        /** The answer is complete: a connection that can carry another request goes back to the pool. */
        private void finish(ChannelHandlerContext ctx) {
            if (requestComplete && upstreamKeepsAlive && !upgrade && ctx.channel().isActive()) {
                upstream = null;
                context.pool().offer(ctx.channel());
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (responseDone && !switched) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    ReferenceCountUtil.release(msg);
                    upstreamBroken(ctx, "The upstream's answer is not valid HTTP/1.1.");
                    return;
                }
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                        && response.status().code() != 101) {
                    skippingInterim = true;
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (responseTimer != null) {
                    responseTimer.cancel(false);
                }
                releaseRetryCopy();
                if (upgrade && response.status().code() == 101) {
                    switchProtocols(ctx, response);
                    return;
                }
                upstreamKeepsAlive = HttpUtil.isKeepAlive(response);
                HopByHopHeaders.strip(response.headers());
                HopByHopHeaders.stripInternal(response.headers());
                responseStarted = true;
            } else if (skippingInterim && msg instanceof LastHttpContent) {
                skippingInterim = false;
                ReferenceCountUtil.release(msg);
                return;
            } else if (switched && msg instanceof LastHttpContent last) {
                // The empty end of the 101 response; the bytes after it are the new protocol's.
                last.release();
                ctx.pipeline().remove("http");
                return;
            }
            stream.write(msg);
            streamDirty = true;
            if (msg instanceof LastHttpContent) {
                stream.flush();
                streamDirty = false;
                answered();
                finish(ctx);
            }
        }

        private void switchProtocols(ChannelHandlerContext ctx, HttpResponse response) {
            HttpResponse confirmed = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            confirmed.headers().set(response.headers());
            HopByHopHeaders.strip(confirmed.headers());
            HopByHopHeaders.stripInternal(confirmed.headers());
            confirmed.headers().set(Protocol.UPGRADED, response.headers().get(HttpHeaderNames.UPGRADE, "websocket"));
            ReferenceCountUtil.release(response);
            responseStarted = true;
            switched = true;
            stream.writeAndFlush(confirmed);
            stream.pipeline().remove(Http2StreamFrameToHttpObjectCodec.class);
            stream.pipeline().addBefore(stream.name(), "bytes", new StreamBytesCodec());
            connection.pausedStreams().pace(stream.channel(), ctx.channel().isWritable());
        }

        private void upstreamBroken(ChannelHandlerContext ctx, String detail) {
            if (!responseStarted) {
                respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_PROTOCOL, "Bad Gateway", detail);
            } else {
                stream.close();
            }
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess() && !responseStarted) {
                respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_UNREACHABLE, "Bad Gateway",
                        "TLS with the upstream at <code>" + ErrorPages.escape(tunnel.upstream().toString())
                                + "</code> failed: " + ErrorPages.escape(Causes.describe(handshake.cause()))
                                + ". For a self-signed local certificate, turn upstream verification off.");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (streamDirty) {
                stream.flush();
                streamDirty = false;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            connection.pausedStreams().pace(stream.channel(), ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (retryCopy != null && !responseStarted && stream.channel().isActive()) {
                // The pooled connection was closed under us before any answer: send once more, fresh.
                FullHttpRequest again = retryCopy;
                retryCopy = null;
                upstream = null;
                if (responseTimer != null) {
                    responseTimer.cancel(false);
                }
                connectFresh(again);
                return;
            }
            if (switched) {
                stream.writeAndFlush(StreamBytesCodec.endOfStream());
            } else if (!responseDone) {
                if (!responseStarted) {
                    respondError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_PROTOCOL, "Bad Gateway",
                            "The upstream closed the connection without answering.");
                } else {
                    // Reset, so the edge cuts the client's body rather than end it as if complete.
                    stream.close();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
