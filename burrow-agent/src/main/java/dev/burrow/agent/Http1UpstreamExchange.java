package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.protocol.Protocol;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.HttpFrames;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exchange with an HTTP/1.1 upstream: takes a kept-alive connection from {@link UpstreamPool} or opens one, sends
 * the request as HTTP/1.1 (the stream's frames become HTTP/1.1 objects through {@link HttpFrames}) and streams the
 * answer back; a connection goes back to the pool only after a clean exchange whose answer allows keep-alive. For an
 * upgrade the stream becomes a byte pipe to the upstream once it switches: DATA both ways, the edge's END_STREAM
 * closing the upstream, the upstream's close ending the stream. Backpressure on the upstream side toggles the
 * connection's auto-read.
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
    Http1UpstreamExchange(StreamContext context, EdgeConnection connection, TunnelStream stream,
                          HttpTunnelOptions tunnel, ExchangeCapture capture, boolean upgrade) {
        super(context, connection, stream, tunnel, capture);
        this.upgrade = upgrade;
    }

    @Override
    protected Object requestPart(Http2Headers headers, boolean endStream) throws Http2Exception {
        return HttpFrames.headers(stream.id(), headers, endStream, true);
    }

    @Override
    protected Object requestPart(ByteBuf data, boolean endStream) {
        return HttpFrames.data(data, endStream);
    }

    @Override
    protected void start(Object head) {
        if (!(head instanceof HttpRequest request)) {
            // A first header block without a method: no request to relay.
            ReferenceCountUtil.release(head);
            stream.close();
            return;
        }
        prepareRequest(request);
        poolKey = new UpstreamPool.Key(stream.eventLoop(), tunnel.upstream(), tunnel.verifyUpstreamTls());
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
                fail(ExchangeFailure.UNREACHABLE, "The agent could not reach its upstream at " + upstreamName() + ": "
                        + reason + ".");
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
        if (!(part instanceof HttpContent content) || !upstream.isActive()) {
            ReferenceCountUtil.release(part);
            return false;
        }
        if (state() == State.UPGRADED) {
            return bytesToUpstream(upstream, content);
        }
        if (upgrade && part instanceof LastHttpContent) {
            // The end of an upgrade request: what follows a switch is bytes.
            content.release();
            return false;
        }
        upstream.write(part);
        return part instanceof LastHttpContent;
    }

    /**
     * After the switch the stream's bytes are the new protocol's, written as they are. The edge's end of them means
     * the public client is gone: nothing more will come for the upstream, which is closed once what came before has
     * gone out.
     */
    private boolean bytesToUpstream(Channel upstream, HttpContent part) {
        ChannelFuture written = upstream.write(part.content());
        boolean end = part instanceof LastHttpContent;
        if (end) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return end;
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

    /** Holds the upstream connection for the exchange: relays the response (or the upgraded bytes) onto the stream. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        private boolean upstreamKeepsAlive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state() == State.DONE) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof ByteBuf bytes) {
                // The upgraded upstream's bytes, once its HTTP codec left.
                edge.write(bytes, false);
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    ReferenceCountUtil.release(msg);
                    fail(ExchangeFailure.BROKEN, "The upstream's answer is not valid HTTP/1.1.");
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
            edge.write((HttpObject) msg);
            if (msg instanceof LastHttpContent) {
                boolean reusable = clean() && upstreamKeepsAlive && !upgrade && ctx.channel().isActive();
                if (reusable) {
                    letGo();
                }
                answerEnded();
                if (reusable) {
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
            edge.write(confirmed);
            edge.flush();
            upstreamWritable(ctx.channel().isWritable());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                fail(ExchangeFailure.UNREACHABLE, "TLS with the upstream at " + upstreamName() + " failed: "
                        + Causes.describe(handshake.cause())
                        + ". For a self-signed local certificate, turn upstream verification off.");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            edge.flush();
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
                edge.write(Unpooled.EMPTY_BUFFER, true);
                answerEnded();
            } else {
                fail(ExchangeFailure.BROKEN, "The upstream closed the connection without answering.");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().log("upstream connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
