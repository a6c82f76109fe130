package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.HttpFrames;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * One request of a public HTTP/1.1 connection, relayed over its own tunnel stream: opens the stream, writes the
 * request and its body to it, and writes the agent's response to the client. Its {@link EdgeExchange} hands it the
 * stream's events; its connection (the {@link Owner}) hands it the client's body parts and learns when it is done.
 * Runs on the public connection's loop only.
 *
 * <p>Every failure goes through {@link #fail}: the stream is reset, the exchange lets go of all it holds (the stream,
 * its place in the drain's count, the body's clock), and its connection learns whether the client can still be
 * answered with an error page or must be cut.
 *
 * <p>Request parts it is handed go to the stream or are released; response parts go to the client or are released.
 */
final class PublicHttpExchange {
    enum State {
        /** The tunnel stream is opening; the request's body waits in the connection's backlog. */
        OPENING,
        /** The request's body goes to the stream; the answer has not begun. */
        SENDING,
        /** The whole request went; the answer has not begun. */
        AWAITING_RESPONSE,
        /** The answer is being written while the request's body still goes (an upload answered as it streams). */
        DUPLEX,
        /** The whole request went; the answer is being written. */
        RESPONDING,
        /** The agent confirmed a WebSocket upgrade: bytes both ways until either side ends. */
        UPGRADED,
        /** Complete or failed; whatever still arrives is released. */
        DONE;

        /** Once the client has part of the answer, a failure can only cut its connection. */
        boolean answerBegun() {
            return this == DUPLEX || this == RESPONDING || this == UPGRADED;
        }
    }

    /** Why an exchange failed. */
    enum Failure {
        /** The agent's connection could not open a stream. */
        STREAM_NOT_OPENED,
        /** The stream closed (the agent reset it, or its connection went) before the answer was complete. */
        STREAM_CLOSED,
        /** The request body's chunked framing is broken. */
        BAD_FRAMING,
        /** The request body came too slowly. */
        BODY_TIMEOUT,
        /** The client's connection closed. */
        CLIENT_GONE
    }

    /** The public connection an exchange belongs to, as the exchange sees it. */
    interface Owner {
        /** The stream can take more of the request: hand on what waits. */
        void requestDemand();

        /** The 101 of a WebSocket switch was written: from now on the connection carries bytes. */
        void switchedProtocols();

        /**
         * The answer is complete and the exchange over.
         *
         * @param keepAlive the client may send another request on this connection
         * @param requestWhole the whole request was sent; if not, what is left of its body is to be read and dropped
         */
        void exchangeDone(boolean keepAlive, boolean requestWhole);

        /** The exchange failed: answer with {@code page} and close, or, if it is null, cut the connection. */
        void exchangeFailed(FullHttpResponse page);
    }

    private final Owner owner;
    /** The public connection's context: where the answer is written. */
    private final ChannelHandlerContext client;
    private final RequestTraits request;
    private final RequestBodyTimeout bodyTimeout;
    private final HttpEdge edge;
    private final InFlight inFlight;
    private final AgentStreams agent;
    /** The edge's response phase, for this request. */
    private final ResponseShaping responsePhase;
    private final EdgeExchange end;
    private State state = State.OPENING;
    private TunnelStream stream;
    /** The public request's {@code :scheme}: the agent connection's own is always TLS. */
    private String scheme;
    private boolean keepAlive;
    /** Request parts were written to the stream and not flushed yet. */
    private boolean streamDirty;
    /** Response parts were written to the client and not flushed yet. */
    private boolean clientDirty;
    /** The body's compression on its way to the client, if the response phase chose one. */
    private ResponseCompression compression;

    PublicHttpExchange(Owner owner, ChannelHandlerContext client, RequestTraits request,
                       RequestBodyTimeout bodyTimeout, HttpEdge edge, AgentStreams agent,
                       ResponseShaping responsePhase) {
        this.owner = owner;
        this.client = client;
        this.request = request;
        this.bodyTimeout = bodyTimeout;
        this.edge = edge;
        this.agent = agent;
        this.responsePhase = responsePhase;
        this.inFlight = new InFlight(edge);
        this.end = new EdgeExchange(this, client.executor(), agent, request.upgrade() != null);
    }

    State state() {
        return state;
    }

    /** Opens the tunnel stream for {@code prepared}, the request as the stream carries it. */
    void open(HttpRequest prepared, PublicConnection connection) {
        EdgeExchange opening = end;
        String requestScheme = connection.scheme();
        scheme = requestScheme;
        boolean bodyless = request.bodyless();
        agent.open(opening).addListener(future -> {
            if (future.isSuccess() && bodyless) {
                // Sent from the agent connection's loop, where the stream opened: no hop to the public loop and back.
                // A request without a body is one HEADERS frame with END_STREAM, so the upstream sees no body
                // framing at all; its empty LastHttpContent is dropped when it is read.
                TunnelStream opened = (TunnelStream) future.getNow();
                HttpFrames.write(opened, new DefaultFullHttpRequest(prepared.protocolVersion(), prepared.method(),
                        prepared.uri(), Unpooled.EMPTY_BUFFER, prepared.headers(), EmptyHttpHeaders.INSTANCE),
                        requestScheme);
                opened.flush();
            }
            opening.onPublicLoop(() -> opened(future, prepared));
        });
    }

    private void opened(Future<?> future, HttpRequest prepared) {
        if (state != State.OPENING) {
            if (future.isSuccess()) {
                ((TunnelStream) future.getNow()).close();
            }
            return;
        }
        if (!future.isSuccess()) {
            fail(Failure.STREAM_NOT_OPENED);
            return;
        }
        stream = (TunnelStream) future.getNow();
        if (!request.bodyless()) {
            HttpFrames.write(stream, prepared, scheme);
            streamDirty = true;
        }
        if (request.expectsContinue()) {
            // The edge answers 100 Continue itself once the stream is open, as a reverse proxy does.
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (request.hasBody() && request.upgrade() == null) {
            bodyTimeout.expectBody();
        }
        state = State.SENDING;
        owner.requestDemand();
    }

    /** True when the stream can take the client's next part of the request now. */
    boolean canTakeRequest() {
        return switch (state) {
            case SENDING, DUPLEX, UPGRADED -> stream.isWritable();
            case OPENING, AWAITING_RESPONSE, RESPONDING, DONE -> false;
        };
    }

    /** A part of the request from the client: body content, or after an upgrade, bytes. */
    void fromClient(Object msg) {
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            content.release();
            fail(Failure.BAD_FRAMING);
            return;
        }
        switch (state) {
            case SENDING, DUPLEX -> {
                if (msg instanceof HttpContent content) {
                    body(content);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            case UPGRADED -> {
                if (msg instanceof ByteBuf bytes) {
                    stream.write(bytes, false);
                    streamDirty = true;
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void body(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last && (request.upgrade() != null || request.bodyless())) {
            // An upgrade request keeps its stream open for the bytes that follow the switch; a bodyless request has
            // ended its stream already.
            content.release();
        } else {
            PublicRequests.stripTrailers(content);
            HttpFrames.write(stream, content, scheme);
            streamDirty = true;
        }
        if (last) {
            bodyTimeout.bodyDone();
            flushStream();
            state = state == State.DUPLEX ? State.RESPONDING : State.AWAITING_RESPONSE;
        }
    }

    /** Flushes what was written to the stream; after a read of the client, or work outside one. */
    void flushStream() {
        if (streamDirty && stream != null) {
            stream.flush();
        }
        streamDirty = false;
    }

    /** One message the agent sent; the messages of one read come one after the other, then {@link #flushToClient}. */
    void fromAgent(Object msg) {
        boolean relayed = msg instanceof HttpResponse response && !state.answerBegun() && state != State.DONE
                ? head(response)
                : state.answerBegun() && (msg instanceof HttpContent || msg instanceof ByteBuf);
        if (!relayed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (compression != null && msg instanceof HttpContent content) {
            msg = compression.encode(content);
        }
        inFlight.wrote(client.write(msg));
        clientDirty = true;
        if (msg instanceof LastHttpContent) {
            flushToClient();
            complete();
        }
    }

    /** @return whether the head goes to the client as it is (once shaped); interim heads and a switch's do not */
    private boolean head(HttpResponse response) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // The edge sent its own 100 Continue; other interim answers are not relayed.
            return false;
        }
        if (request.upgrade() != null && response.headers().contains(Protocol.UPGRADED)) {
            state = State.UPGRADED;
            client.writeAndFlush(PublicResponseHead.switching(response, request.upgrade()));
            owner.switchedProtocols();
            return false;
        }
        compression = ResponseCompression.start(response, PublicResponseHead.forClient(response, responsePhase),
                !(response instanceof FullHttpResponse), client.alloc());
        keepAlive = PublicResponseHead.frame(response, request, edge.draining());
        state = state == State.SENDING ? State.DUPLEX : State.RESPONDING;
        return true;
    }

    void flushToClient() {
        if (clientDirty) {
            client.flush();
            clientDirty = false;
        }
    }

    /** The answer is complete: before the whole request (an upload refused early, say), or after it. */
    private void complete() {
        boolean requestWhole = state == State.RESPONDING;
        state = State.DONE;
        letGo();
        owner.exchangeDone(keepAlive, requestWhole);
    }

    /** The agent ended its side of an upgraded stream: the connection ends after what was written. */
    void agentEnded() {
        if (state == State.UPGRADED) {
            state = State.DONE;
            letGo();
            owner.exchangeDone(false, true);
        }
    }

    void streamWritabilityChanged() {
        if (stream != null && stream.isWritable() && state != State.DONE) {
            owner.requestDemand();
        }
    }

    /** A slow client pauses the agent's stream; the HTTP/2 window then stops the agent. */
    void clientWritabilityChanged(boolean writable) {
        if (stream != null && state != State.DONE) {
            end.pace(stream, writable);
        }
    }

    void streamClosed() {
        fail(Failure.STREAM_CLOSED);
    }

    /**
     * The one failure path: resets the stream, lets go of what the exchange holds, and tells the connection whether
     * its client can still be answered. Once the client has part of the answer, it is cut, so that it never takes a
     * partial body for a whole one.
     */
    void fail(Failure why) {
        if (state == State.DONE) {
            return;
        }
        boolean canAnswer = !state.answerBegun() && why != Failure.CLIENT_GONE;
        state = State.DONE;
        letGo();
        owner.exchangeFailed(canAnswer ? page(why) : null);
    }

    private FullHttpResponse page(Failure why) {
        return switch (why) {
            case STREAM_NOT_OPENED -> PublicRouting.agentUnreachable(client.alloc());
            case STREAM_CLOSED -> end.closedBeforeAnswer(client.alloc());
            case BAD_FRAMING -> PublicRequests.BAD_FRAMING.page(client.alloc());
            case BODY_TIMEOUT -> PublicRequests.BODY_TIMEOUT.page(client.alloc());
            case CLIENT_GONE -> throw new IllegalArgumentException("no page for a client that is gone");
        };
    }

    /**
     * Stops the body's clock, ends the exchange's place in the drain's count, and resets a stream still open: one the
     * request side left open (an upgrade refused, an early answer), or one whose exchange failed, so the agent stops
     * and closes its upstream connection too.
     */
    private void letGo() {
        bodyTimeout.bodyDone();
        inFlight.end();
        if (compression != null) {
            compression.close();
        }
        // Read on this loop, the stream's state may lag behind: at worst a closed stream is closed again, which does
        // nothing. Asking first spares the usual exchange, whose stream ended both ways, a task on the agent's loop.
        if (stream != null && stream.isActive()) {
            stream.close();
        }
    }
}
