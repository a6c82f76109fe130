package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.Http2Answers;
import dev.burrow.transport.PendingDecision;
import dev.burrow.transport.TunnelStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
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
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One stream of a public HTTP/2 connection: routes its request as an HTTP/1.1 request is routed, asks the request
 * phase ({@link RequestGate}; the stream reads nothing while it decides), opens a stream to the tunnel's agent, and
 * relays frames both ways without converting them: HEADERS, DATA, trailers, and resets with their error code. All exchange state lives here, on the public connection's loop; the agent's stream hands its
 * frames over through an {@link EdgeFrameExchange}.
 *
 * <p>Backpressure: the public stream reads only while the agent's stream is writable, and the client's window is
 * returned only as frames are read, so a slow agent slows the client's upload; the agent's stream is paused
 * (through the session's pacing) while the public stream cannot take more.
 *
 * <p>Relays frames as new frames holding the same buffers; releases what it drops.
 */
final class PublicHttp2Stream extends ChannelInboundHandlerAdapter {
    private enum State { AWAITING_HEADERS, DECIDING, OPENING, RELAYING, DONE }

    private final HttpEdge edge;
    /** Plain text or TLS: the scheme the tunnel stream carries, and the routing rules that apply. */
    private final PublicConnection connection;
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_HEADERS;
    /** Frames read while the request phase decides or the agent's stream opens; reading is paused meanwhile. */
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    /** The request phase's decision, to drop if the client goes away first. */
    private PendingDecision<RequestDecision> decision;
    /** The edge's response phase, for this stream's request once it is relayed. */
    private Consumer<HttpResponse> responsePhase;
    private EdgeFrameExchange exchange;
    /** The tunnel stream, once open. */
    private TunnelStream stream;
    /** Set while the exchange counts as in flight for the edge's drain. */
    private InFlight inFlight;
    private boolean headRequest;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean responseEnded;
    private boolean agentDirty;

    PublicHttp2Stream(HttpEdge edge, PublicConnection connection) {
        this.edge = edge;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case AWAITING_HEADERS -> {
                if (msg instanceof Http2HeadersFrame headers) {
                    onRequest(headers);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            case DECIDING, OPENING -> early.add(msg);
            case RELAYING -> toAgent(msg);
            case DONE -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushAgent();
        ctx.fireChannelReadComplete();
    }

    private void onRequest(Http2HeadersFrame frame) {
        requestEnded = frame.isEndStream();
        Http2Headers headers = frame.headers();
        headRequest = AsciiString.contentEquals(HttpMethod.HEAD.asciiName(), headers.method());
        PublicRequests.Rejection rejection = PublicRequests.check(headers);
        if (rejection != null) {
            answer(rejection.page(ctx.alloc()));
            return;
        }
        HttpRequest request = PublicRequests.asHttpRequest(((Http2StreamChannel) ctx.channel()).stream().id(),
                headers);
        // The connection, not the stream, knows the client a load balancer's PROXY header named.
        InetSocketAddress client = ClientAddress.of(ctx.channel().parent());
        PublicRouting.Route route = PublicRouting.route(edge, ctx.alloc(), request, client, connection);
        if (route.answer() != null) {
            answer(route.answer());
            if (edge.draining()) {
                // The client should take its next requests elsewhere; streams already open run on.
                ctx.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
            return;
        }
        Tunnel tunnel = route.tunnel();
        state = State.DECIDING;
        // Nothing more is read until the request may go on and the agent's stream can take it.
        ctx.channel().config().setAutoRead(false);
        decision = RequestGate.ask(edge, ctx.executor(), ctx.alloc(), request, tunnel, client,
                () -> relay(request, tunnel, client, frame.isEndStream()), this::answer);
    }

    private void relay(HttpRequest request, Tunnel tunnel, InetSocketAddress client, boolean endStream) {
        if (!tunnel.session().acceptsStreams()) {
            // The agent went away while the request phase decided.
            answer(PublicRouting.notRouted(ctx.alloc(), tunnel.routeKey(), true));
            return;
        }
        if (!tunnel.session().hasStreamCapacity()) {
            answer(PublicRouting.busy(ctx.alloc()));
            return;
        }
        PublicRequests.prepareForTunnel(request, tunnel, client, connection, edge.trustedProxies(), null);
        // Without a phase the head is stripped as it is: a phase needs its HTTP/1.1 view, two conversions a response.
        responsePhase = ResponseShaping.of(edge, request, tunnel, client);
        open(tunnel, PublicRequests.toStreamHeaders(request, connection.scheme()), endStream);
    }

    private void open(Tunnel tunnel, Http2Headers headers, boolean endStream) {
        state = State.OPENING;
        inFlight = new InFlight(edge);
        EdgeFrameExchange opening = new EdgeFrameExchange(this, ctx.executor(), tunnel.session().pausedStreams());
        exchange = opening;
        tunnel.session().openStream(opening).addListener(future -> {
            if (future.isSuccess()) {
                // Sent from the agent connection's loop, where the stream opened, ahead of any frame that follows.
                TunnelStream opened = (TunnelStream) future.getNow();
                opened.write(headers, endStream);
                opened.flush();
            }
            opening.onPublicLoop(() -> opened(opening, future));
        });
    }

    private void opened(EdgeFrameExchange opening, Future<?> future) {
        if (opening != exchange || state != State.OPENING) {
            if (future.isSuccess()) {
                ((TunnelStream) future.getNow()).close();
            }
            return;
        }
        if (!future.isSuccess()) {
            endExchange();
            answer(PublicRouting.agentUnreachable(ctx.alloc()));
            return;
        }
        stream = (TunnelStream) future.getNow();
        state = State.RELAYING;
        Object msg;
        while ((msg = early.poll()) != null) {
            toAgent(msg);
        }
        flushAgent();
        ctx.channel().config().setAutoRead(stream.isWritable());
    }

    private void toAgent(Object msg) {
        boolean end;
        if (msg instanceof Http2DataFrame data) {
            end = data.isEndStream();
            stream.write(data.content(), end);
        } else if (msg instanceof Http2HeadersFrame trailers) {
            end = trailers.isEndStream();
            HopByHopHeaders.strip(trailers.headers());
            HopByHopHeaders.stripInternal(trailers.headers());
            stream.write(trailers.headers(), end);
        } else {
            ReferenceCountUtil.release(msg);
            return;
        }
        agentDirty = true;
        if (end) {
            requestEnded = true;
            // A stream that has ended both ways closes before its read completes: flush now, not then.
            flushAgent();
        } else if (!stream.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void flushAgent() {
        if (agentDirty && stream != null) {
            stream.flush();
        }
        agentDirty = false;
    }

    /** The agent's stream can take more, or can no longer: the public stream reads accordingly. */
    void agentWritabilityChanged(EdgeFrameExchange source) {
        if (source == exchange && state == State.RELAYING) {
            ctx.channel().config().setAutoRead(stream.isWritable());
        }
    }

    void fromAgent(EdgeFrameExchange source, List<Object> frames) {
        boolean written = false;
        for (Object msg : frames) {
            if (source != exchange || state != State.RELAYING || responseEnded) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof Http2HeadersFrame headers) {
                written |= responseHeaders(headers);
            } else if (msg instanceof Http2DataFrame data && responseStarted) {
                responseEnded = data.isEndStream();
                inFlight.wrote(ctx.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream())));
                written = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        if (written) {
            ctx.flush();
        }
        if (responseEnded && state == State.RELAYING) {
            responseComplete();
        }
    }

    /** @return whether the headers were passed on; interim (1xx) answers are not */
    private boolean responseHeaders(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        if (responseStarted) {
            HopByHopHeaders.strip(headers);
            HopByHopHeaders.stripInternal(headers);
        } else {
            CharSequence status = headers.status();
            if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                return false;
            }
            responseStarted = true;
            if (responsePhase == null) {
                PublicResponseHead.forHttp2Client(headers);
            } else {
                HttpResponse view = PublicResponseHead.view(((Http2StreamChannel) ctx.channel()).stream().id(),
                        headers);
                PublicResponseHead.forClient(view, responsePhase);
                headers = PublicResponseHead.toHttp2(view);
            }
        }
        responseEnded = frame.isEndStream();
        inFlight.wrote(ctx.write(new DefaultHttp2HeadersFrame(headers, frame.isEndStream())));
        return true;
    }

    /**
     * The whole response went out. If the request has not ended, the client is told to stop sending (a reset with
     * NO_ERROR, RFC 9113 section 8.1), and so is the agent.
     */
    private void responseComplete() {
        state = State.DONE;
        endExchange();
        if (!requestEnded) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            stream.close();
        }
    }

    /** The agent's stream closed: before the answer began the client gets 502, after it the stream is reset. */
    void agentClosed(EdgeFrameExchange source, Http2Error reset) {
        if (source != exchange || state != State.RELAYING || responseEnded) {
            return;
        }
        endExchange();
        if (responseStarted) {
            state = State.DONE;
            // Cut short with the agent's reason: a client must never take a partial body for a whole one.
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(reset != null ? reset : Http2Error.CANCEL));
        } else {
            answer(source.closedBeforeAnswer(ctx.alloc()));
        }
    }

    /** Answers without the agent, and stops the client sending any request body it has left. */
    private void answer(FullHttpResponse response) {
        state = State.DONE;
        Http2Answers.send(ctx, response, !headRequest);
        if (!requestEnded) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
    }

    private void endExchange() {
        if (inFlight != null) {
            inFlight.end();
            inFlight = null;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A slow client stops the agent's stream; the tunnel's window then stops the agent.
        if (stream != null && state == State.RELAYING) {
            exchange.pace(stream, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset && stream != null
                && state == State.RELAYING) {
            // The client's reason goes on to the agent, and from there to the upstream.
            Http2Error error = Http2Error.valueOf(reset.errorCode());
            stream.reset(error != null ? error : Http2Error.CANCEL);
            state = State.DONE;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (decision != null) {
            decision.cancel();
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (stream != null && state != State.DONE) {
            // Resets the agent's stream (if the client's reset did not already), so the upstream stops too.
            stream.close();
        }
        endExchange();
        state = State.DONE;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
