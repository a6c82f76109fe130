package dev.burrow.edge.http;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.transport.ClientAddress;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.StreamHttpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
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
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the requests of one public HTTP/1.1 connection, one at a time, each over its own stream to the agent that
 * holds the request's Host. Reads are demand-driven (auto-read is off): decoded messages wait in a backlog that is
 * worked off only while the current state can take them (the stream is writable, or the previous response is
 * complete for the next request), and the socket is read again only once the backlog is empty. The backlog thus
 * never holds more than one socket read, so neither a fast client nor a pipelining one grows the heap. Every
 * callback of an {@link EdgeExchange} arrives here on this connection's loop.
 *
 * <p>Releases every message it does not pass on; passes request parts to the stream and response parts to the
 * client.
 */
final class PublicHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PublicHttpHandler.class);
    /** How long the rest of a body answered early is read and dropped before the connection is closed. */
    private static final Duration LINGER = Duration.ofSeconds(30);
    private enum State { IDLE, OPENING, BODY, AWAITING_RESPONSE, DISCARDING, UPGRADED, CLOSING }

    private final HttpEdge edge;
    private final HeaderReadTimeout headerTimeout;
    private final RequestBodyTimeout bodyTimeout;
    private final PublicConnection connection;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private EdgeExchange exchange;
    private boolean keepAlive;
    private boolean http10;
    private boolean headRequest;
    private String upgradeProtocol;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private boolean movedToAgentLoop;
    private boolean workingBacklog;
    private boolean streamDirty;
    private boolean clientDirty;

    PublicHttpHandler(HttpEdge edge, HeaderReadTimeout headerTimeout, RequestBodyTimeout bodyTimeout,
                      PublicConnection connection) {
        this.edge = edge;
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
        this.connection = connection;
    }

    /** Asks for the first read: a public connection is active from its accept on, here or once TLS is up. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        backlog.add(msg);
        workBacklog();
    }

    /** True when the current state can take the next decoded message. */
    private boolean canTakeMessage() {
        return switch (state) {
            case IDLE, DISCARDING -> true;
            case BODY, UPGRADED -> exchange.stream.isWritable();
            case OPENING, AWAITING_RESPONSE, CLOSING -> false;
        };
    }

    /** Hands on waiting messages while they can be taken, then asks the socket for more once none wait. */
    private void workBacklog() {
        if (workingBacklog) {
            return;
        }
        workingBacklog = true;
        try {
            while (!backlog.isEmpty() && canTakeMessage()) {
                handle(backlog.poll());
            }
            if (state == State.CLOSING) {
                backlog.forEach(ReferenceCountUtil::release);
                backlog.clear();
            } else if (backlog.isEmpty() && canTakeMessage()) {
                ctx.read();
            }
        } finally {
            workingBacklog = false;
        }
    }

    /** Works the backlog from outside a read (a callback), flushing what it wrote to the stream. */
    private void resume() {
        workBacklog();
        flushStream();
    }

    private void flushStream() {
        if (streamDirty && exchange != null && exchange.stream != null) {
            exchange.stream.flush();
        }
        streamDirty = false;
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            onRequestContent(content);
        } else if (msg instanceof ByteBuf bytes && state == State.UPGRADED) {
            forwardToStream(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushStream();
        ctx.fireChannelReadComplete();
    }

    private void onRequest(HttpRequest request) {
        if (state != State.IDLE) {
            // The decoder ends every request before it starts the next, so this would be our bug.
            log.atWarn().addKeyValue("state", state).log("request arrived mid-exchange; closing connection");
            state = State.CLOSING;
            ctx.close();
            return;
        }
        headerTimeout.headersReceived();
        keepAlive = HttpUtil.isKeepAlive(request);
        http10 = PublicRequests.isHttp10(request);
        headRequest = HttpMethod.HEAD.equals(request.method());
        PublicRequests.Rejection rejection = PublicRequests.check(request);
        if (rejection != null) {
            respondLocally(request, rejection.page(ctx.alloc()), true);
            return;
        }
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        PublicRouting.Route route = PublicRouting.route(edge, ctx.alloc(), request, client, connection);
        if (route.answer() != null) {
            respondLocally(request, route.answer(), route.closeConnection() || PublicRequests.hasBody(request));
            return;
        }
        Tunnel tunnel = route.tunnel();
        EventLoop agentLoop = tunnel.session().eventLoop();
        if (!movedToAgentLoop && ctx.channel().eventLoop() != agentLoop) {
            moveToAgentLoop(agentLoop, request, tunnel, client);
            return;
        }
        relay(request, tunnel, client);
    }

    /**
     * Moves this connection onto the event loop of the agent connection that serves its first request, once: the
     * exchange then runs on one thread end to end, with no hand-over between loops for each request.
     */
    private void moveToAgentLoop(EventLoop agentLoop, HttpRequest request, Tunnel tunnel,
                                 InetSocketAddress client) {
        movedToAgentLoop = true;
        state = State.OPENING;
        ctx.channel().deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                ctx.close();
                return;
            }
            agentLoop.register(ctx.channel()).addListener(registered -> {
                if (!registered.isSuccess()) {
                    ctx.channel().unsafe().closeForcibly();
                    return;
                }
                state = State.IDLE;
                if (!tunnel.session().acceptsStreams()) {
                    respondLocally(request, PublicRouting.notRouted(ctx.alloc(), tunnel.routeKey(), true),
                            PublicRequests.hasBody(request));
                    return;
                }
                relay(request, tunnel, client);
            });
        });
    }

    private void relay(HttpRequest request, Tunnel tunnel, InetSocketAddress client) {
        if (!tunnel.session().hasStreamCapacity()) {
            respondLocally(request, PublicRouting.busy(ctx.alloc()), PublicRequests.hasBody(request));
            return;
        }
        boolean upgrade = PublicRequests.isWebSocketUpgrade(request);
        // Read before the hop-by-hop headers, Transfer-Encoding among them, are stripped.
        boolean bodyless = !upgrade && !PublicRequests.hasBody(request);
        boolean expectsContinue = PublicRequests.expectsContinue(request);
        upgradeProtocol = upgrade ? request.headers().get(HttpHeaderNames.UPGRADE) : null;
        HttpHeaders headers = request.headers();
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        if (expectsContinue) {
            // The edge answers 100 Continue itself once the tunnel's stream is open, as a reverse proxy does.
            headers.remove(HttpHeaderNames.EXPECT);
        }
        PublicRequests.addForwarded(request, client, connection,
                Cidr.anyContains(edge.trustedProxies(), client.getAddress()),
                tunnel instanceof HttpTunnel http && http.forwardedHeader());
        headers.set(Protocol.STREAM_KIND, (upgrade ? StreamKind.UPGRADE : StreamKind.HTTP).wireName())
                .set(Protocol.TUNNEL_ID, tunnel.id())
                .set(Protocol.CLIENT_ADDR, HostPort.of(client).toString());
        if (upgrade) {
            headers.set(Protocol.UPGRADE, upgradeProtocol);
        }
        state = State.OPENING;
        EdgeExchange current = new EdgeExchange(this, ctx.executor(), tunnel.session().pausedStreams(),
                tunnel.session()::rttNanos, upgrade, bodyless, new InFlight(edge));
        exchange = current;
        tunnel.session().openStream(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline()
                        .addLast(current.answerCheck, RequestScheme.of(connection))
                        .addLast(new StreamHttpCodec(false))
                        .addLast(current);
            }
        }).addListener(future -> {
            if (future.isSuccess() && bodyless) {
                // Sent from the agent connection's loop, where the stream opened: no hop to this loop and back.
                // A request without a body is one HEADERS frame with END_STREAM, so the upstream sees no body
                // framing at all; its empty LastHttpContent is dropped when it is read.
                ((Http2StreamChannel) future.getNow()).writeAndFlush(new DefaultFullHttpRequest(
                        request.protocolVersion(), request.method(), request.uri(), Unpooled.EMPTY_BUFFER,
                        request.headers(), EmptyHttpHeaders.INSTANCE));
            }
            if (ctx.executor().inEventLoop()) {
                streamOpened(current, future, request, expectsContinue);
            } else {
                ctx.executor().execute(() -> streamOpened(current, future, request, expectsContinue));
            }
        });
    }

    private void streamOpened(EdgeExchange opened, Future<?> future, HttpRequest request, boolean expectsContinue) {
        if (opened != exchange || state != State.OPENING) {
            if (future.isSuccess()) {
                ((Http2StreamChannel) future.getNow()).close();
            }
            return;
        }
        if (!future.isSuccess()) {
            failExchange(PublicRouting.agentUnreachable(ctx.alloc()));
            return;
        }
        Http2StreamChannel stream = (Http2StreamChannel) future.getNow();
        opened.stream = stream;
        if (!opened.bodyless) {
            stream.write(request);
            streamDirty = true;
        }
        if (expectsContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (!opened.bodyless && !opened.upgrade) {
            bodyTimeout.expectBody();
        }
        state = State.BODY;
        resume();
    }

    private void onRequestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            badBody(content);
            return;
        }
        switch (state) {
            case BODY -> {
                boolean last = content instanceof LastHttpContent;
                if (last && (exchange.upgrade || exchange.bodyless)) {
                    // An upgrade request keeps its stream open for the bytes that follow the switch; a bodyless
                    // request has ended its stream already.
                    content.release();
                } else {
                    PublicRequests.stripTrailers(content);
                    exchange.stream.write(content);
                    streamDirty = true;
                }
                if (last) {
                    bodyTimeout.bodyDone();
                    state = State.AWAITING_RESPONSE;
                    flushStream();
                    if (exchange.responseDone) {
                        exchangeComplete();
                    }
                }
            }
            case DISCARDING -> {
                content.release();
                if (content instanceof LastHttpContent) {
                    if (keepAlive && !edge.draining()) {
                        awaitNextRequest();
                    } else {
                        closeAfterFlush();
                    }
                }
            }
            default -> content.release();
        }
    }

    private void badBody(HttpContent content) {
        content.release();
        abortRequest(new PublicRequests.Rejection(HttpResponseStatus.BAD_REQUEST, "bad_framing",
                "The request body's chunked framing is not valid."));
    }

    /**
     * The request's body cannot be completed: its framing broke (a bad chunk size, say), or it came too slowly. The
     * stream is reset so the upstream never takes what it got for a whole body, and the client hears {@code why}
     * unless its answer has begun.
     */
    private void abortRequest(PublicRequests.Rejection why) {
        boolean answerStarted = exchange != null && exchange.responseStarted;
        if (exchange != null && exchange.stream != null) {
            exchange.stream.close();
        }
        endExchange();
        if (answerStarted || state == State.DISCARDING) {
            state = State.CLOSING;
            ctx.close();
            return;
        }
        respondLocally(null, why.page(ctx.alloc()), true);
    }

    private void forwardToStream(ByteBuf bytes) {
        exchange.stream.write(bytes);
        streamDirty = true;
    }

    void streamWritabilityChanged(EdgeExchange source) {
        if (source == exchange && source.stream != null && source.stream.isWritable()) {
            resume();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A slow client stops the agent's stream; the HTTP/2 window then stops the agent.
        if (exchange != null && exchange.stream != null) {
            exchange.pace(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    void fromAgent(EdgeExchange source, Object msg) {
        if (source != exchange || state == State.CLOSING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // The edge sent its own 100 Continue; other interim answers are not relayed.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (source.upgrade && response.headers().contains(Protocol.UPGRADED)) {
                switchProtocols(response);
                return;
            }
            keepAlive = PublicResponseHead.prepare(response, headRequest, http10, keepAlive, edge.draining());
            source.responseStarted = true;
        }
        if (msg instanceof HttpContent || msg instanceof HttpResponse || msg instanceof ByteBuf) {
            source.inFlight.wrote(ctx.write(msg));
            clientDirty = true;
        } else {
            ReferenceCountUtil.release(msg);
        }
        if (msg instanceof LastHttpContent) {
            source.responseDone = true;
            ctx.flush();
            clientDirty = false;
            if (state == State.AWAITING_RESPONSE) {
                exchangeComplete();
            } else if (state == State.BODY) {
                answeredEarly();
            }
        }
    }

    /**
     * The answer came before the whole request (an upstream that refuses an upload, say). The stream is reset so the
     * upstream stops, and the rest of the body is read and dropped, as a server does: closing while the client still
     * sends would reset the connection and could lose the answer. Dropping is bounded by {@link #LINGER}.
     */
    private void answeredEarly() {
        EdgeExchange done = exchange;
        endExchange();
        if (done.stream != null && done.stream.isActive()) {
            done.stream.close();
        }
        state = State.DISCARDING;
        ctx.executor().schedule(() -> {
            if (state == State.DISCARDING) {
                ctx.close();
            }
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        resume();
    }

    private void switchProtocols(HttpResponse agentResponse) {
        HttpResponse switched = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switched.headers().set(agentResponse.headers());
        HopByHopHeaders.strip(switched.headers());
        HopByHopHeaders.stripInternal(switched.headers());
        switched.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        switched.headers()
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, upgradeProtocol);
        exchange.responseStarted = true;
        ctx.writeAndFlush(switched);
        // From here the connection carries the new protocol's bytes, untouched.
        ctx.pipeline().remove(PublicHttpInitializer.CODEC);
        ctx.pipeline().remove(headerTimeout);
        ctx.pipeline().remove(bodyTimeout);
        state = State.UPGRADED;
        resume();
    }

    void flushToClient(EdgeExchange source) {
        if (source == exchange && clientDirty) {
            ctx.flush();
            clientDirty = false;
        }
    }

    void agentEnded(EdgeExchange source) {
        if (source == exchange && state == State.UPGRADED) {
            closeAfterFlush();
        }
    }

    void streamClosed(EdgeExchange source) {
        if (source != exchange || source.responseDone) {
            return;
        }
        if (state == State.UPGRADED || source.responseStarted) {
            // Cut the body short by closing: a client must never take a partial body for a whole one.
            endExchange();
            ctx.close();
        } else {
            failExchange(source.answerCheck.closedBeforeAnswer(ctx.alloc()));
        }
    }

    private void failExchange(FullHttpResponse page) {
        endExchange();
        state = State.IDLE;
        respondLocally(null, page, true);
    }

    private void exchangeComplete() {
        EdgeExchange done = exchange;
        endExchange();
        if (done.stream != null && done.stream.isActive()) {
            // Ends a stream the request side left open (an upgrade refused, an early answer).
            done.stream.close();
        }
        if (keepAlive && !edge.draining() && state == State.AWAITING_RESPONSE) {
            awaitNextRequest();
        } else {
            closeAfterFlush();
        }
    }

    private void endExchange() {
        bodyTimeout.bodyDone();
        if (exchange != null) {
            exchange.inFlight.end();
        }
        exchange = null;
    }

    /**
     * Answers without the agent. With {@code close}, or when the client is not keeping the connection, the
     * connection closes after the answer; otherwise the request's remaining (empty) body is read and dropped.
     */
    private void respondLocally(HttpRequest request, FullHttpResponse response, boolean close) {
        if (headRequest) {
            response.content().clear();
        }
        if (close || !keepAlive || edge.draining() || request == null) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            state = State.CLOSING;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.writeAndFlush(response);
        state = State.DISCARDING;
        resume();
    }

    private void awaitNextRequest() {
        state = State.IDLE;
        headerTimeout.awaitNextRequest();
        resume();
    }

    private void closeAfterFlush() {
        state = State.CLOSING;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderReadTimeout.EXPIRED && state == State.IDLE) {
            respondLocally(null, ErrorPages.page(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, "header_timeout",
                    "Request Timeout", "The request headers did not arrive in time."), true);
        } else if (evt == RequestBodyTimeout.EXPIRED && state == State.BODY) {
            abortRequest(new PublicRequests.Rejection(HttpResponseStatus.REQUEST_TIMEOUT, "body_timeout",
                    "The request body did not arrive in time."));
        } else if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            if (exchange.stream != null) {
                // Resets the stream, so the agent stops and closes its upstream connection too.
                exchange.stream.close();
            }
            endExchange();
        }
        state = State.CLOSING;
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ClientAddress.of(ctx.channel())).log("public connection failed: {}",
                cause.toString());
        ctx.close();
    }
}
