package dev.burrow.edge;

import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.TokenRecord;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One connected agent: its HTTP/2 connection, who it authenticated as, and the tunnels it holds. Public listeners
 * open streams through {@link #openStream}; closing the connection frees every tunnel at once.
 */
public final class AgentSession {
    /**
     * The first handler of a stream whose opener installs its own (a {@link ControlLink}, a byte pipe) once the open
     * future completes, in the same task, before anything can be read: it only has to survive the stream's first
     * HEADERS being refused, which closes the stream (the opener sees it inactive), and releases what it is handed.
     */
    public static final TunnelStream.Handler HANDLER_FOLLOWS = new TunnelStream.Handler() {
        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            data.release();
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
        }
    };

    private final Channel channel;
    private final StreamMux mux;
    private final String id = UUID.randomUUID().toString();
    private final Heartbeat heartbeat;
    private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();
    private final PausedStreams pausedStreams = Http2Tuning.pausedStreams();
    private final SessionEnd end = new SessionEnd();
    private volatile TokenRecord token;
    private volatile ControlMessage.Hello hello;
    private volatile Instant connectedAt;
    private volatile ControlLink control;
    private volatile boolean acceptingStreams = true;
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    AgentSession(Channel channel, Heartbeat heartbeat, StreamMux mux) {
        this.channel = channel;
        this.mux = mux;
        this.heartbeat = heartbeat;
    }

    public String id() {
        return id;
    }

    void authenticated(TokenRecord token, ControlLink controlStream, ControlMessage.Hello hello) {
        this.connectedAt = Instant.now();
        this.token = token;
        this.hello = hello;
        this.control = controlStream;
    }

    /** True if the agent said in its hello that it understands {@code feature} ({@link dev.burrow.protocol.Protocol}). */
    public boolean understands(String feature) {
        ControlMessage.Hello said = hello;
        return said != null && said.understands(feature);
    }

    /** When the agent authenticated, or null before. */
    public Instant connectedAt() {
        return connectedAt;
    }

    boolean isAuthenticated() {
        return token != null;
    }

    /** The token the agent authenticated with, or null before. */
    public TokenRecord token() {
        return token;
    }

    /** Why this session ends, once something ends it. */
    SessionEnd end() {
        return end;
    }

    /** The agent's address: the source a PROXY header gave, when a load balancer sent one, else the peer's. */
    public InetSocketAddress remoteAddress() {
        return ClientAddress.of(channel);
    }

    /** Streams open on the agent connection now; its event loop only. */
    public int openStreams() {
        return mux.openStreams();
    }

    /** Round trip to the agent from the last PING, or -1 before the first. */
    public long rttNanos() {
        return heartbeat.lastRttNanos();
    }

    /** The event loop of the agent connection, where its streams run. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Paces this connection's streams by their public clients. */
    public PausedStreams pausedStreams() {
        return pausedStreams;
    }

    /**
     * A new stream to the agent, told to {@code handler}; the agent learns of it from its first HEADERS. The future
     * completes on the session's event loop (at once when called there), and fails only if the connection has
     * closed; a stream the agent's connection cannot take after all (no slot left, GOAWAY) fails its first HEADERS
     * write and closes.
     */
    public Future<TunnelStream> openStream(TunnelStream.Handler handler) {
        EventLoop loop = channel.eventLoop();
        Promise<TunnelStream> opened = loop.newPromise();
        if (loop.inEventLoop()) {
            open(handler, opened);
        } else {
            loop.execute(() -> open(handler, opened));
        }
        return opened;
    }

    private void open(TunnelStream.Handler handler, Promise<TunnelStream> opened) {
        if (channel.isActive()) {
            opened.setSuccess(mux.open(handler));
        } else {
            opened.setFailure(new ClosedChannelException());
        }
    }

    /**
     * False while the agent already has as many streams open as it accepts at once (its
     * SETTINGS_MAX_CONCURRENT_STREAMS): a stream opened now would be refused. Exact on the session's event loop.
     */
    public boolean hasStreamCapacity() {
        Http2FrameCodec codec = channel.pipeline().get(Http2FrameCodec.class);
        return codec == null || codec.connection().local().canOpenStream();
    }

    /** False once the agent said GOAWAY or the connection closed: new requests must not be sent here. */
    public boolean acceptsStreams() {
        return acceptingStreams && channel.isActive();
    }

    void stopAcceptingStreams() {
        acceptingStreams = false;
    }

    void addTunnel(Tunnel tunnel) {
        tunnels.add(tunnel);
    }

    void removeTunnel(Tunnel tunnel) {
        tunnels.remove(tunnel);
    }

    /** The tunnels the session holds now. */
    public List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    Channel channel() {
        return channel;
    }

    /** Sends the agent a message that needs no answer, if its control stream is up; from any thread. */
    public void tell(ControlMessage message) {
        ControlLink ctl = control;
        if (ctl != null && ctl.stream().isActive()) {
            ctl.send(message);
        }
    }

    /**
     * Ends the session because its token may no longer be used: the agent is told why (a reason it does not retry),
     * then the connection closes, which frees its names.
     *
     * @return false if the session was ending already, for this reason or another
     */
    boolean revoke(String reason) {
        return endWith(SessionEnd.Reason.REVOKED, ErrorCode.AUTH_REVOKED, reason);
    }

    /**
     * Ends the session because the edge's operator said so: the agent is told why with {@code session_ended}, which
     * it does not retry, then the connection closes, which frees its names.
     *
     * @return false if the session was ending already
     */
    boolean endByOperator(String reason) {
        return endWith(SessionEnd.Reason.OPERATOR, ErrorCode.SESSION_ENDED, reason);
    }

    private boolean endWith(SessionEnd.Reason why, ErrorCode code, String reason) {
        if (!end.record(why, reason)) {
            return false;
        }
        ControlLink ctl = control;
        if (ctl != null && ctl.stream().isActive()) {
            ctl.send(new ControlMessage.Error(null, code, reason)).addListener(f -> channel.close());
        } else {
            channel.close();
        }
        return true;
    }

    /**
     * Ends the session because its agent has connected again and named it ({@code hello}'s {@code resume}): its
     * connection went silent without this edge noticing yet, so nothing is said on it, it is closed. Completes once
     * the session is gone from the edge and its names are free for its account.
     */
    CompletionStage<Void> supersede(String by) {
        end.record(SessionEnd.Reason.SUPERSEDED, "replaced by session " + by);
        channel.close();
        return released;
    }

    /** The connection closed and the edge let the session go: its tunnels unrouted, its names held or freed. */
    void markReleased() {
        released.complete(null);
    }

    /** Tells the agent the edge is going away, then closes the connection once the message is written. */
    void drain(String reason) {
        end.record(SessionEnd.Reason.EDGE_DRAINING, reason);
        ControlLink ctl = control;
        if (ctl != null && ctl.stream().isActive()) {
            ctl.send(new ControlMessage.Drain(reason)).addListener(f -> channel.close());
        } else {
            channel.close();
        }
    }
}
