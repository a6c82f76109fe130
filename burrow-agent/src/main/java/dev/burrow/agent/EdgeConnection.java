package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.protocol.CertificateEvent;
import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.PausedStreams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One live connection to the edge, from the agent's side: the control stream, binds awaiting their answer, the
 * tunnel ids the edge assigned on this connection, and the streams in flight. A reconnect makes a new one.
 */
final class EdgeConnection {
    private static final Logger log = LoggerFactory.getLogger(EdgeConnection.class);

    private final Channel channel;
    private final Heartbeat heartbeat;
    private final ExchangeLog exchangeLog;
    private final AgentListener listener;
    private final PausedStreams pausedStreams = Http2Tuning.pausedStreams();
    private final CompletableFuture<ControlMessage.Welcome> welcome = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<ControlMessage.Bound>> pendingBinds = new ConcurrentHashMap<>();
    private final Map<String, AgentTunnel> tunnelsById = new ConcurrentHashMap<>();
    private final AtomicLong nextBindId = new AtomicLong(1);
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final CompletableFuture<Void> streamsIdle = new CompletableFuture<>();
    private volatile ControlLink control;
    private volatile boolean draining;
    private volatile ChannelFuture goAwayWritten;
    private final AtomicReference<ConnectionEnd> end = new AtomicReference<>();

    /**
     * @param exchangeLog where the inspector records exchanges, or null
     * @param listener told what the edge says about the tunnels beside their binds (their certificates)
     */
    EdgeConnection(Channel channel, Heartbeat heartbeat, ExchangeLog exchangeLog, AgentListener listener) {
        this.channel = channel;
        this.heartbeat = heartbeat;
        this.exchangeLog = exchangeLog;
        this.listener = listener;
        channel.closeFuture().addListener(f -> {
            AgentException gone = new AgentException(ErrorCode.EDGE_UNREACHABLE, "connection to the edge closed");
            welcome.completeExceptionally(gone);
            pendingBinds.values().forEach(p -> p.completeExceptionally(gone));
            streamsIdle.complete(null);
        });
    }

    /** Paces this connection's streams by their upstream connections. */
    PausedStreams pausedStreams() {
        return pausedStreams;
    }

    Channel channel() {
        return channel;
    }

    CompletableFuture<ControlMessage.Welcome> welcome() {
        return welcome;
    }

    /** The TLS handshake or the connection failed before the edge welcomed us. */
    void tlsFailed(Throwable cause) {
        Throwable root = Causes.root(cause);
        // A slow handshake says nothing about trust: only a refused certificate is final.
        ErrorCode code = cause instanceof SslHandshakeTimeoutException ? ErrorCode.EDGE_UNREACHABLE
                : ErrorCode.EDGE_UNTRUSTED;
        welcome.completeExceptionally(new AgentException(code, "TLS with the edge failed: " + root.getMessage(),
                cause));
    }

    void controlOpened(ControlLink link) {
        this.control = link;
    }

    long rttNanos() {
        return heartbeat.lastRttNanos();
    }

    CompletableFuture<ControlMessage.Bound> bind(AgentTunnel tunnel) {
        long id = nextBindId.getAndIncrement();
        CompletableFuture<ControlMessage.Bound> answer = new CompletableFuture<>();
        pendingBinds.put(id, answer);
        // A tunnel bound before keeps its address across reconnects.
        send(tunnel.options().bindRequest(id, tunnel.held()));
        return answer.thenApply(bound -> {
            tunnelsById.put(bound.tunnelId(), tunnel);
            return bound;
        });
    }

    /** Asks the edge to run {@code policy} for a bound tunnel from now on; completes with the tunnel as it stands. */
    CompletableFuture<ControlMessage.Bound> update(AgentTunnel tunnel, String policy) {
        long id = nextBindId.getAndIncrement();
        CompletableFuture<ControlMessage.Bound> answer = new CompletableFuture<>();
        pendingBinds.put(id, answer);
        send(new ControlMessage.Update(id, tunnel.tunnelId(), policy));
        return answer;
    }

    void unbind(AgentTunnel tunnel) {
        if (tunnel.tunnelId() != null && tunnelsById.remove(tunnel.tunnelId()) != null) {
            send(new ControlMessage.Unbind(tunnel.tunnelId()));
        }
    }

    /** The tunnel a stream is for, or null if this connection never bound that id. */
    AgentTunnel tunnel(String tunnelId) {
        return tunnelId == null ? null : tunnelsById.get(tunnelId);
    }

    void send(ControlMessage message) {
        ControlLink ctl = control;
        if (ctl != null) {
            ctl.send(message);
        }
    }

    void onControlMessage(ControlMessage message) {
        if (message instanceof ControlMessage.Welcome w) {
            welcome.complete(w);
        } else if (message instanceof ControlMessage.Bound bound) {
            CompletableFuture<ControlMessage.Bound> pending = pendingBinds.remove(bound.id());
            if (pending != null) {
                pending.complete(bound);
            }
        } else if (message instanceof ControlMessage.Error error) {
            AgentException failure = new AgentException(error.code(), error.message());
            CompletableFuture<ControlMessage.Bound> pending = error.id() == null ? null
                    : pendingBinds.remove(error.id());
            if (pending != null) {
                pending.completeExceptionally(failure);
            } else if (welcome.isDone() && !failure.retryable()) {
                // After the welcome, an error for no request is about the whole session; the edge closes it next.
                ending(ConnectionEnd.refused(failure));
            } else {
                welcome.completeExceptionally(failure);
            }
        } else if (message instanceof ControlMessage.Denied denied) {
            AgentTunnel tunnel = tunnel(denied.tunnelId());
            if (exchangeLog != null && tunnel != null) {
                exchangeLog.recordDenied(tunnel.url(), denied.client(), denied.method(), denied.uri(), denied.host(),
                        denied.status(), denied.rule(), denied.reason());
            }
        } else if (message instanceof ControlMessage.Certificate certificate) {
            AgentTunnel tunnel = tunnel(certificate.tunnelId());
            // An event a later edge added and this agent does not know is skipped, as unknown fields are.
            if (tunnel != null && certificate.event() != null) {
                boolean trouble = certificate.event() == CertificateEvent.FAILED
                        || certificate.event() == CertificateEvent.LIMITED;
                log.atLevel(trouble ? Level.WARN : Level.INFO).addKeyValue("hostname", certificate.hostname())
                        .addKeyValue("event", certificate.event().wireName())
                        .addKeyValue("detail", certificate.detail()).log("certificate");
                listener.certificate(tunnel, certificate.hostname(), certificate.event(), certificate.detail());
            }
        } else if (message instanceof ControlMessage.Drain) {
            draining = true;
            ending(ConnectionEnd.EDGE_RESTARTING);
        }
    }

    /** The edge said GOAWAY: it is going away, or it found this agent at fault and ends the connection. */
    void goAwayReceived(long errorCode, String debug) {
        ConnectionEnd how = ConnectionEnd.goAway(errorCode, debug);
        if (how.kind() == ConnectionEnd.Kind.EDGE_RESTARTING) {
            onControlMessage(new ControlMessage.Drain("edge sent GOAWAY"));
        } else {
            ending(how);
            // The edge closes the connection after such a GOAWAY (RFC 9113, section 5.4.1); nothing more can come.
            close();
        }
    }

    /** Records how the connection ends, unless that is known already. */
    void ending(ConnectionEnd how) {
        end.compareAndSet(null, how);
    }

    /** How the connection ended: {@link ConnectionEnd#LOST} unless something more was learnt. */
    ConnectionEnd end() {
        ConnectionEnd how = end.get();
        return how == null ? ConnectionEnd.LOST : how;
    }

    void streamOpened() {
        activeStreams.incrementAndGet();
    }

    void streamClosed() {
        if (activeStreams.decrementAndGet() == 0 && draining) {
            streamsIdle.complete(null);
        }
    }

    /**
     * Says GOAWAY, so the edge frees this agent's names and opens no new streams, and completes when the streams
     * in flight have finished (or the connection closed).
     */
    CompletableFuture<Void> goAway() {
        draining = true;
        goAwayWritten = channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        if (activeStreams.get() == 0) {
            streamsIdle.complete(null);
        }
        return streamsIdle;
    }

    void close() {
        channel.close();
    }

    /**
     * Ends the connection as TCP means a connection to end: TLS close_notify and FIN, then whatever the edge still
     * sends is read until it closes its side too, for at most {@code linger}. Closing at once would leave the edge's
     * last frames (a PING, say) unread, and a socket closed over unread bytes sends a reset, which can reach the edge
     * before it has read the GOAWAY that says this agent drained.
     */
    void closeGracefully(Duration linger) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null && channel instanceof DuplexChannel duplex && channel.isActive()) {
            // After the GOAWAY is on the wire: the flush that sends it may be deferred, and TLS sends nothing after
            // its close_notify.
            ChannelFuture last = goAwayWritten == null ? channel.newSucceededFuture() : goAwayWritten;
            last.addListener(written -> tls.closeOutbound().addListener(sent -> duplex.shutdownOutput()));
            if (channel.closeFuture().awaitUninterruptibly(linger.toMillis())) {
                return;
            }
        }
        channel.close();
    }
}
