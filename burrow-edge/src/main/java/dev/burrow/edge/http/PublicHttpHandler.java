package dev.burrow.edge.http;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.LoopMove;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public HTTP/1.1 connection: reads its requests one at a time, has each checked, routed and decided on by a
 * {@link PublicAdmission} (nothing more is read meanwhile, unless it holds the body for the tunnel's policy), and
 * gives each allowed one to a {@link PublicHttpExchange}, which relays it over its own stream to the agent that
 * holds the request's Host. Reads are demand-driven (auto-read is off): decoded messages wait in a backlog that is worked off only while the
 * connection's state can take them (the exchange's stream is writable, or the previous answer is complete for the
 * next request), and the socket is read again only once the backlog is empty. The backlog thus never holds more
 * than one socket read, so neither a fast client nor a pipelining one grows the heap.
 *
 * <p>Besides: the one-time move onto the agent connection's loop, the edge's own answers (error pages, 408s), the
 * rest of a body answered early read and dropped for a bounded time, the pipeline's switch after a WebSocket
 * upgrade, and closing.
 *
 * <p>Releases every message it does not hand to an exchange.
 */
final class PublicHttpHandler extends ChannelInboundHandlerAdapter
        implements PublicHttpExchange.Owner, PublicAdmission.Owner {
    private static final Logger log = LoggerFactory.getLogger(PublicHttpHandler.class);
    /** How long the rest of a body answered early is read and dropped before the connection is closed. */
    private static final Duration LINGER = Duration.ofSeconds(30);

    private enum State {
        /** Waiting for the next request. */
        IDLE,
        /** The current request's admission is pending ({@link PublicAdmission}); its body waits, or is held. */
        ADMITTING,
        /** Moving onto the agent connection's loop with the request that made it move. */
        MOVING,
        /** An exchange is relaying the current request. */
        EXCHANGE,
        /** The current request was answered: what is left of its body is read and dropped. */
        DISCARDING,
        /** A WebSocket switch: the exchange relays bytes both ways; no more HTTP. */
        UPGRADED,
        /** The connection is ending; nothing more is read. */
        CLOSING
    }

    private final HttpEdge edge;
    private final HeaderReadTimeout headerTimeout;
    private final RequestBodyTimeout bodyTimeout;
    private final PublicConnection connection;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    /** The current request's exchange, while the state is EXCHANGE or UPGRADED. */
    private PublicHttpExchange exchange;
    /** What the latest request's fields say, for the edge's own answers. */
    private RequestTraits request = RequestTraits.NONE;
    /** Whether the connection serves another request after the current one. */
    private boolean keepAlive;
    private PublicAdmission admission;
    /** The connection moves onto an agent connection's loop once, for its first routed request. */
    private boolean moved;
    private boolean workingBacklog;

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
        admission = new PublicAdmission(this, ctx, edge, connection, bodyTimeout, backlog);
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
            case EXCHANGE, UPGRADED -> exchange.canTakeRequest();
            case ADMITTING -> admission.holding();
            case MOVING, CLOSING -> false;
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
                releaseBacklog();
            } else if (backlog.isEmpty() && canTakeMessage()) {
                ctx.read();
            }
        } finally {
            workingBacklog = false;
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        } else if (state == State.EXCHANGE || state == State.UPGRADED) {
            exchange.fromClient(msg);
        } else if (state == State.ADMITTING && msg instanceof HttpContent content) {
            admission.content(content);
        } else if (msg instanceof HttpContent content) {
            discard(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushStream();
        }
        ctx.fireChannelReadComplete();
    }

    private void onRequest(HttpRequest msg) {
        if (state != State.IDLE) {
            // The decoder ends every request before it starts the next, so this would be our bug.
            log.atWarn().addKeyValue("state", state).log("request arrived mid-exchange; closing connection");
            close();
            return;
        }
        headerTimeout.headersReceived();
        request = RequestTraits.of(msg);
        keepAlive = request.keepAlive();
        state = State.ADMITTING;
        admission.begin(msg, request);
    }

    @Override
    public void admitted(HttpRequest msg, RequestTraits traits, Tunnel tunnel, InetSocketAddress client,
                         ResponseObserver observer) {
        request = traits;
        toTunnel(msg, tunnel, client, observer);
    }

    @Override
    public void refused(FullHttpResponse page, AnswerEnding ending) {
        respondLocally(page, ending);
    }

    /**
     * Relays the request to its tunnel. The connection's first routed request moves it onto the event loop of the
     * agent connection that serves it, once: later exchanges to that agent then run on one thread end to end, with
     * no hand-over between loops.
     */
    private void toTunnel(HttpRequest msg, Tunnel tunnel, InetSocketAddress client, ResponseObserver observer) {
        EventLoop agentLoop = tunnel.session().eventLoop();
        if (moved || ctx.channel().eventLoop() == agentLoop) {
            relay(msg, tunnel, client, observer);
            return;
        }
        moved = true;
        state = State.MOVING;
        LoopMove.to(ctx.channel(), agentLoop, () -> {
            if (state == State.MOVING) {
                relay(msg, tunnel, client, observer);
            }
        });
    }

    private void relay(HttpRequest msg, Tunnel tunnel, InetSocketAddress client, ResponseObserver observer) {
        AgentSession session = tunnel.session();
        if (!session.acceptsStreams()) {
            // The agent went away while the request phase decided or the connection moved.
            respondLocally(PublicRouting.notRouted(ctx.alloc(), tunnel.routeKey(), true),
                    AnswerEnding.closeIf(request.hasBody()));
            return;
        }
        if (!session.hasStreamCapacity()) {
            respondLocally(PublicRouting.busy(ctx.alloc()), AnswerEnding.closeIf(request.hasBody()));
            return;
        }
        PublicRequests.prepareForTunnel(msg, tunnel, client, connection, edge.trustedProxies(), request.upgrade());
        if (request.expectsContinue()) {
            // The edge answers 100 Continue itself, so the upstream must not wait for one.
            msg.headers().remove(HttpHeaderNames.EXPECT);
        }
        state = State.EXCHANGE;
        exchange = new PublicHttpExchange(this, ctx, request, bodyTimeout, edge, AgentStreams.of(session),
                ResponseShaping.of(edge, msg, tunnel, client, observer));
        exchange.open(msg, connection);
    }

    @Override
    public void requestDemand() {
        workBacklog();
        if (exchange != null) {
            exchange.flushStream();
        }
    }

    @Override
    public void switchedProtocols() {
        // From here the connection carries the new protocol's bytes, untouched.
        ctx.pipeline().remove(PublicHttpInitializer.CODEC);
        ctx.pipeline().remove(headerTimeout);
        ctx.pipeline().remove(bodyTimeout);
        state = State.UPGRADED;
        requestDemand();
    }

    @Override
    public void exchangeDone(boolean keepAlive, boolean requestWhole) {
        exchange = null;
        this.keepAlive = keepAlive;
        if (state == State.CLOSING) {
            return;
        }
        if (!requestWhole) {
            discardRest();
        } else if (keepAlive && !edge.draining() && state == State.EXCHANGE) {
            awaitNextRequest();
        } else {
            closeAfterFlush();
        }
    }

    @Override
    public void exchangeFailed(FullHttpResponse page) {
        exchange = null;
        if (page == null || state == State.CLOSING) {
            ReferenceCountUtil.release(page);
            close();
        } else {
            respondLocally(page, AnswerEnding.CLOSE);
        }
    }

    /**
     * The answer came before the whole request (an upstream or a policy that refuses an upload, say). The rest of the
     * body is read and dropped, as a server does: closing while the client still sends would reset the connection and
     * could lose the answer. Dropping is bounded by {@link #LINGER}.
     */
    private void discardRest() {
        state = State.DISCARDING;
        ctx.executor().schedule(() -> {
            if (state == State.DISCARDING) {
                close();
            }
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        requestDemand();
    }

    /** A part of a body no exchange takes (the edge answered already); its end lets the next request come. */
    private void discard(HttpContent content) {
        boolean broken = content.decoderResult().isFailure();
        content.release();
        if (broken) {
            // Nothing can be answered any more: the answer went, or the body was not this connection's to read.
            close();
        } else if (state == State.DISCARDING && content instanceof LastHttpContent) {
            if (keepAlive && !edge.draining()) {
                awaitNextRequest();
            } else {
                closeAfterFlush();
            }
        }
    }

    /** Answers without the agent; the connection then goes on as {@code ending} says. */
    private void respondLocally(FullHttpResponse response, AnswerEnding ending) {
        if (request.head()) {
            response.content().clear();
        }
        if (ending == AnswerEnding.LINGER) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            keepAlive = false;
            ctx.writeAndFlush(response);
            discardRest();
            return;
        }
        if (ending == AnswerEnding.CLOSE || !keepAlive || edge.draining()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            state = State.CLOSING;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (request.http10()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.writeAndFlush(response);
        state = State.DISCARDING;
        requestDemand();
    }

    private void awaitNextRequest() {
        state = State.IDLE;
        headerTimeout.awaitNextRequest();
        requestDemand();
    }

    private void closeAfterFlush() {
        state = State.CLOSING;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void close() {
        state = State.CLOSING;
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderReadTimeout.EXPIRED && state == State.IDLE) {
            respondLocally(ErrorPages.page(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, "header_timeout",
                    "Request Timeout", "The request headers did not arrive in time."), AnswerEnding.CLOSE);
        } else if (evt == RequestBodyTimeout.EXPIRED && exchange != null) {
            exchange.fail(PublicHttpExchange.Failure.BODY_TIMEOUT);
        } else if (evt == RequestBodyTimeout.EXPIRED && state == State.ADMITTING && admission.holding()) {
            admission.bodyTimedOut();
        } else if (evt instanceof IdleStateEvent) {
            close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        admission.cancel();
        if (exchange != null) {
            exchange.fail(PublicHttpExchange.Failure.CLIENT_GONE);
        }
        releaseBacklog();
        ctx.fireChannelInactive();
    }

    private void releaseBacklog() {
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ClientAddress.of(ctx.channel())).log("public connection failed: {}",
                cause.toString());
        ctx.close();
    }
}
