package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.Http2Answers;
import dev.burrow.transport.PendingDecision;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One stream of a public HTTP/2 connection, the handler of its {@link TunnelStream}: routes its request as an
 * HTTP/1.1 request is routed, asks the request phase ({@link RequestGate}; the stream reads nothing while it
 * decides, but first holds the whole body when the tunnel's policy checks bodies: {@link HeldBody}), opens a
 * stream to the tunnel's agent, and relays frames both ways without converting them: HEADERS, DATA, trailers, and
 * resets with their error code. All exchange state lives here, on the public connection's loop;
 * the agent's stream hands its frames over through an {@link EdgeFrameExchange}.
 *
 * <p>Backpressure: the public stream reads only while the agent's stream is writable, and the client's window is
 * returned only as the stream's bytes are taken, so a slow agent slows the client's upload; the agent's stream is
 * paused (through the session's pacing) while the public stream cannot take more.
 *
 * <p>Relays the frames' buffers as they are; releases what it drops.
 */
final class PublicHttp2Stream implements TunnelStream.Handler {
    private enum State { AWAITING_HEADERS, HOLDING, DECIDING, OPENING, RELAYING, DONE }

    /** How far the agent's answer has reached the client. */
    private enum Response { AWAITED, STARTED, ENDED }

    private final HttpEdge edge;
    /** Plain text or TLS: the scheme the tunnel stream carries, and the routing rules that apply. */
    private final PublicConnection connection;
    /** The public connection, which knows the client and takes a GOAWAY. */
    private final Channel channel;
    /** This stream, the client's. */
    private final TunnelStream client;
    private State state = State.AWAITING_HEADERS;
    private Response response = Response.AWAITED;
    /** The request phase's decision, to drop if the client goes away first. */
    private PendingDecision<RequestDecision> decision;
    /** The agent's answer as the client gets it, once the request is relayed. */
    private PublicHttp2Response shaped;
    private EdgeFrameExchange exchange;
    /** The request's body, read whole first when the tunnel's policy checks bodies; until it goes to the agent. */
    private HeldBody held;
    /** Runs once the held body is whole: the request phase. */
    private Runnable whenHeld;
    /** The agent's stream, once open. */
    private TunnelStream agent;
    /** Set while the exchange counts as in flight for the edge's drain. */
    private InFlight inFlight;
    private boolean headRequest;
    private boolean requestEnded;
    private boolean agentDirty;

    PublicHttp2Stream(HttpEdge edge, PublicConnection connection, Channel channel, TunnelStream client) {
        this.edge = edge;
        this.connection = connection;
        this.channel = channel;
        this.client = client;
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        switch (state) {
            case AWAITING_HEADERS -> onRequest(headers, endStream);
            case RELAYING -> {
                trailersToAgent(headers, endStream);
                relayed(endStream);
            }
            case HOLDING -> hold(headers, endStream);
            // Nothing is read while the request phase decides or the agent's stream opens; once the exchange is
            // over, the client's trailers go nowhere.
            case DECIDING, OPENING, DONE -> {
            }
        }
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (state == State.RELAYING) {
            agent.write(data, endStream);
            relayed(endStream);
        } else if (state == State.HOLDING) {
            hold(data, endStream);
        } else {
            data.release();
        }
    }

    @Override
    public void readComplete(TunnelStream stream) {
        flushAgent();
    }

    private void onRequest(Http2Headers headers, boolean endStream) {
        requestEnded = endStream;
        headRequest = AsciiString.contentEquals(HttpMethod.HEAD.asciiName(), headers.method());
        PublicRequests.Rejection rejection = PublicRequests.check(headers);
        if (rejection != null) {
            answer(rejection.page(client.alloc()));
            return;
        }
        HttpRequest request = PublicRequests.asHttpRequest(client.id(), headers);
        // The connection, not the stream, knows the client a load balancer's PROXY header named.
        InetSocketAddress address = ClientAddress.of(channel);
        PublicRouting.Route route = PublicRouting.route(edge, client.alloc(), request, address, connection);
        if (route.answer() != null) {
            answer(route.answer());
            if (edge.draining()) {
                // The client should take its next requests elsewhere; streams already open run on.
                channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
            return;
        }
        Tunnel tunnel = route.tunnel();
        if (endStream || !HeldBody.wanted(tunnel)) {
            decide(request, tunnel, address, endStream);
        } else if (HeldBody.tooLong(request)) {
            answer(HeldBody.refusal(HeldBody.Progress.TOO_LARGE, client.alloc()));
        } else {
            state = State.HOLDING;
            held = new HeldBody(edge.heldBodies());
            whenHeld = () -> decide(request, tunnel, address, false);
        }
    }

    /** A part of the body being held: DATA, or trailers, which end it. */
    private void hold(Object part, boolean end) {
        HeldBody.Progress progress = held.add(part);
        if (progress != HeldBody.Progress.HELD) {
            answer(HeldBody.refusal(progress, client.alloc()));
        } else if (end) {
            requestEnded = true;
            whenHeld.run();
        }
    }

    private void decide(HttpRequest request, Tunnel tunnel, InetSocketAddress address, boolean endStream) {
        state = State.DECIDING;
        // Nothing more is read until the request may go on and the agent's stream can take it.
        client.reading(false);
        decision = RequestGate.ask(edge, client.eventLoop(), client.alloc(), request,
                held == null ? null : held.bytes(), tunnel, address,
                observer -> relay(request, tunnel, address, observer, endStream), this::answer);
    }

    private void relay(HttpRequest request, Tunnel tunnel, InetSocketAddress address, ResponseObserver observer,
                       boolean endStream) {
        if (!tunnel.session().acceptsStreams()) {
            // The agent went away while the request phase decided.
            answer(PublicRouting.notRouted(client.alloc(), tunnel.routeKey(), true));
            return;
        }
        if (!tunnel.session().hasStreamCapacity()) {
            answer(PublicRouting.busy(client.alloc()));
            return;
        }
        PublicRequests.prepareForTunnel(request, tunnel, address, connection, edge.trustedProxies(), null);
        // Without a phase the head is stripped as it is: a phase needs its HTTP/1.1 view, two conversions a response.
        shaped = new PublicHttp2Response(ResponseShaping.of(edge, request, tunnel, address, observer));
        open(tunnel, PublicRequests.toStreamHeaders(request, connection.scheme()), endStream);
    }

    private void open(Tunnel tunnel, Http2Headers headers, boolean endStream) {
        state = State.OPENING;
        inFlight = new InFlight(edge);
        EdgeFrameExchange opening = new EdgeFrameExchange(this, client.eventLoop(), tunnel.session().pausedStreams());
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
            answer(PublicRouting.agentUnreachable(client.alloc()));
            return;
        }
        agent = (TunnelStream) future.getNow();
        state = State.RELAYING;
        if (held != null) {
            held.drainTo((part, last) -> {
                if (part instanceof Http2Headers trailers) {
                    trailersToAgent(trailers, true);
                } else {
                    agent.write((ByteBuf) part, last);
                }
            });
            held = null;
            relayed(true);
        }
        // What the client sent meanwhile, held by its stream, comes now.
        client.reading(agent.isWritable());
    }

    private void trailersToAgent(Http2Headers trailers, boolean end) {
        HopByHopHeaders.strip(trailers);
        HopByHopHeaders.stripInternal(trailers);
        agent.write(trailers, end);
    }

    /** A part of the request went to the agent's stream, unflushed. */
    private void relayed(boolean end) {
        agentDirty = true;
        if (end) {
            requestEnded = true;
            // A stream that has ended both ways closes before its read completes: flush now, not then.
            flushAgent();
        } else if (!agent.isWritable()) {
            client.reading(false);
        }
    }

    private void flushAgent() {
        if (agentDirty && agent != null) {
            agent.flush();
        }
        agentDirty = false;
    }

    /** The agent's stream can take more, or can no longer: the public stream reads accordingly. */
    void agentWritabilityChanged(EdgeFrameExchange source) {
        if (source == exchange && state == State.RELAYING) {
            client.reading(agent.isWritable());
        }
    }

    void fromAgent(EdgeFrameExchange source, List<Object> frames) {
        boolean written = false;
        for (Object msg : frames) {
            if (source != exchange || state != State.RELAYING || response == Response.ENDED) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof Http2HeadersFrame headers) {
                written |= responseHeaders(headers);
            } else if (msg instanceof Http2DataFrame data && response == Response.STARTED) {
                if (data.isEndStream()) {
                    response = Response.ENDED;
                }
                inFlight.wrote(client.write(shaped.body(data.content(), data.isEndStream()), data.isEndStream()));
                written = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        if (written) {
            client.flush();
        }
        if (response == Response.ENDED && state == State.RELAYING) {
            responseComplete();
        }
    }

    /** @return whether the headers were passed on; interim (1xx) answers are not */
    private boolean responseHeaders(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        if (response == Response.STARTED) {
            shaped.endBody(client, inFlight);
            HopByHopHeaders.strip(headers);
            HopByHopHeaders.stripInternal(headers);
        } else {
            CharSequence status = headers.status();
            if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                return false;
            }
            response = Response.STARTED;
            headers = shaped.head(client, headers, frame.isEndStream());
        }
        if (frame.isEndStream()) {
            response = Response.ENDED;
        }
        inFlight.wrote(client.write(headers, frame.isEndStream()));
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
            client.reset(Http2Error.NO_ERROR);
            agent.close();
        }
    }

    /** The agent's stream closed: before the answer began the client gets 502, after it the stream is reset. */
    void agentClosed(EdgeFrameExchange source, Http2Error reset) {
        if (source != exchange || state != State.RELAYING || response == Response.ENDED) {
            return;
        }
        endExchange();
        if (response == Response.STARTED) {
            state = State.DONE;
            // Cut short with the agent's reason: a client must never take a partial body for a whole one.
            client.reset(reset != null ? reset : Http2Error.CANCEL);
        } else {
            answer(source.closedBeforeAnswer(client.alloc()));
        }
    }

    /** Answers without the agent, and stops the client sending any request body it has left. */
    private void answer(FullHttpResponse page) {
        state = State.DONE;
        letGoOfBody();
        Http2Answers.send(client, page, !headRequest);
        if (!requestEnded) {
            client.reset(Http2Error.NO_ERROR);
        }
    }

    /** The body came too slowly ({@link StreamBodyTimeout}): 408 before the answer began, else the stream is reset. */
    void bodyTimedOut() {
        if (state == State.RELAYING && response == Response.AWAITED) {
            endExchange();
            agent.close();
        }
        if (state == State.HOLDING || state == State.RELAYING && response == Response.AWAITED) {
            answer(PublicRequests.BODY_TIMEOUT.page(client.alloc()));
        } else {
            client.reset(Http2Error.CANCEL);
        }
    }

    private void letGoOfBody() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private void endExchange() {
        if (shaped != null) {
            shaped.close();
        }
        if (inFlight != null) {
            inFlight.end();
            inFlight = null;
        }
    }

    @Override
    public void writabilityChanged(TunnelStream stream) {
        // A slow client stops the agent's stream; the tunnel's window then stops the agent.
        if (agent != null && state == State.RELAYING) {
            exchange.pace(agent, client.isWritable());
        }
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        if (decision != null) {
            decision.cancel();
        }
        if (agent != null && state == State.RELAYING) {
            // The client's reason goes on to the agent, and from there to the upstream; a client that merely went
            // away cancels.
            agent.reset(resetBy != null ? resetBy : Http2Error.CANCEL);
        }
        endExchange();
        letGoOfBody();
        state = State.DONE;
    }
}
