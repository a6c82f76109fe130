package dev.burrow.agent;

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
import io.netty.handler.codec.http.FullHttpResponse;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exchange with an HTTP/1.1 upstream: takes a kept-alive connection from {@link UpstreamPool} or opens one, sends
 * the request as HTTP/1.1 (the stream's frames arrive as HTTP/1.1 objects through {@code StreamHttpCodec}) and
 * streams the answer back; a connection goes back to the pool only after a clean exchange whose answer allows
 * keep-alive. For an upgrade the stream becomes a byte pipe to the upstream once it switches. Backpressure on the
 * upstream side toggles the connection's auto-read.
 *
 * <p>Passes request parts to the upstream and response parts to the stream; releases what it drops.
 */
final class Http1UpstreamExchange extends UpstreamExchange {
    private static final Logger log = LoggerFactory.getLogger(Http1UpstreamExchange.class);

    private final boolean upgrade;
    private UpstreamPool.Key poolKey;
    /** A whole request sent on a pooled connection, kept until the answer begins to send it once more if need be. */
    private FullHttpRequest retryCopy;

    /** @param tunnel the stream's tunnel, or null if this connection holds no HTTP tunnel by the edge's id */
    Http1UpstreamExchange(StreamContext context, EdgeConnection connection, HttpTunnelOptions tunnel,
                          boolean upgrade) {
        super(context, connection, tunnel);
        this.upgrade = upgrade;
    }

    @Override
    protected void start(Object head) {
        // StreamHttpCodec turns a stream's first HEADERS frame into its request.
        HttpRequest request = (HttpRequest) head;
        prepareRequest(request);
        poolKey = new UpstreamPool.Key(stream.channel().eventLoop(), tunnel.upstream(), tunnel.verifyUpstreamTls());
        // An upgraded connection never returns to the pool, so an upgrade always takes a fresh one.
        Channel idle = upgrade ? null : context.pool().poll(poolKey);
        if (idle != null) {
            attach(idle, request, true);
        } else {
            connectFresh(request);
        }
    }

    private void connectFresh(HttpRequest request) {
        context.pool().connect(poolKey).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(request);
                String reason = Causes.describe(f.cause());
                log.atDebug().addKeyValue("upstream", poolKey.upstream()).log("upstream unreachable: {}", reason);
                fail(Failure.UNREACHABLE, "The agent could not reach its upstream at <code>" + upstreamName()
                        + "</code>: " + ErrorPages.escape(reason) + ".");
            } else if (state() == State.DONE) {
                // The stream closed while the connection was made.
                ReferenceCountUtil.release(request);
                f.channel().close();
            } else {
                attach(f.channel(), request, false);
            }
        });
    }

    /**
     * Sends the request on a connection. On a pooled one, a whole request is kept until the answer begins: the
     * upstream may have closed the idle connection just as it was taken, and then the request goes once more on a
     * fresh connection.
     */
    private void attach(Channel channel, HttpRequest request, boolean pooled) {
        UpstreamPool.handTo(channel, new ResponseRelay());
        if (pooled && request instanceof FullHttpRequest full) {
            retryCopy = full.retainedDuplicate();
        }
        channel.write(request);
        // The bytes after an upgrade request go only once the upstream switched, so the request is whole already.
        attached(channel, request instanceof LastHttpContent || upgrade);
    }

    @Override
    protected boolean toUpstream(Channel upstream, Object part) {
        // The end of an upgrade request: what follows a switch is bytes.
        boolean upgradeEnd = upgrade && state() != State.UPGRADED && part instanceof LastHttpContent;
        if (!(part instanceof HttpContent || part instanceof ByteBuf) || !upstream.isActive() || upgradeEnd) {
            ReferenceCountUtil.release(part);
            return false;
        }
        upstream.write(part);
        return part instanceof LastHttpContent;
    }

    @Override
    protected void answer(FullHttpResponse page) {
        stream.writeAndFlush(page);
    }

    @Override
    protected void paceUpstream(Channel upstream, boolean streamWritable) {
        upstream.config().setAutoRead(streamWritable);
    }

    @Override
    protected void releaseKept() {
        dropRetryCopy();
    }

    private void dropRetryCopy() {
        if (retryCopy != null) {
            retryCopy.release();
            retryCopy = null;
        }
    }

    private void prepareRequest(HttpRequest request) {
        HttpHeaders headers = request.headers();
        String upgradeProtocol = headers.get(Protocol.UPGRADE);
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

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN && state() == State.UPGRADED) {
            // The public client is gone: nothing more will come for the upstream.
            closeUpstream();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Holds the upstream connection for the exchange: relays the response (or the upgraded bytes) onto the stream. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        private boolean upstreamKeepsAlive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state() == State.DONE) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    ReferenceCountUtil.release(msg);
                    fail(Failure.BROKEN, "The upstream's answer is not valid HTTP/1.1.");
                    return;
                }
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                        && response.status().code() != 101) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                dropRetryCopy();
                if (upgrade && response.status().code() == 101) {
                    switchProtocols(ctx, response);
                    return;
                }
                upstreamKeepsAlive = HttpUtil.isKeepAlive(response);
                HopByHopHeaders.strip(response.headers());
                HopByHopHeaders.stripInternal(response.headers());
                answerBegins();
            } else if (!state().answerBegun() && msg instanceof HttpContent) {
                // The (empty) end of an interim answer such as 100 Continue.
                ReferenceCountUtil.release(msg);
                return;
            } else if (state() == State.UPGRADED && msg instanceof LastHttpContent last) {
                // The empty end of the 101 response; the bytes after it are the new protocol's.
                last.release();
                ctx.pipeline().remove("http");
                return;
            }
            toStream(msg);
            if (msg instanceof LastHttpContent) {
                boolean clean = answerEnded();
                if (clean && upstreamKeepsAlive && !upgrade && ctx.channel().isActive()) {
                    letGo();
                    context.pool().offer(ctx.channel());
                } else {
                    ctx.close();
                }
            }
        }

        private void switchProtocols(ChannelHandlerContext ctx, HttpResponse response) {
            HttpResponse confirmed = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            confirmed.headers().set(response.headers());
            HopByHopHeaders.strip(confirmed.headers());
            HopByHopHeaders.stripInternal(confirmed.headers());
            confirmed.headers().set(Protocol.UPGRADED, response.headers().get(HttpHeaderNames.UPGRADE, "websocket"));
            ReferenceCountUtil.release(response);
            upgraded();
            stream.writeAndFlush(confirmed);
            stream.pipeline().remove(Http2StreamFrameToHttpObjectCodec.class);
            stream.pipeline().addBefore(stream.name(), "bytes", new StreamBytesCodec());
            upstreamWritable(ctx.channel().isWritable());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                fail(Failure.UNREACHABLE, "TLS with the upstream at <code>" + upstreamName() + "</code> failed: "
                        + ErrorPages.escape(Causes.describe(handshake.cause()))
                        + ". For a self-signed local certificate, turn upstream verification off.");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushStream();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            upstreamWritable(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (retryCopy != null) {
                // The pooled connection was closed under us before any answer: send once more, fresh.
                FullHttpRequest again = retryCopy;
                retryCopy = null;
                reconnecting();
                connectFresh(again);
            } else if (state() == State.UPGRADED) {
                toStream(StreamBytesCodec.endOfStream());
                answerEnded();
            } else {
                fail(Failure.BROKEN, "The upstream closed the connection without answering.");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
