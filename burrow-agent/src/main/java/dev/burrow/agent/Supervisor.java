package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent connected, and is the only part that decides to reconnect: when the connection drops it dials
 * again after the delay {@link ReconnectDelays} draws from how the connection ended, binds every running tunnel
 * again on the new connection, and ends the agent on a failure that is not retryable.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /**
     * Tries by default, a second apart, to bind again an address the edge says is taken. The edge frees a dead session's
     * names when it misses its heartbeats (30 s by default) and then holds them for the same account, so by then
     * the address is ours again; past that, someone else has it, and retrying forever would hide it.
     */
    static final int TAKEN_RETRIES = 45;

    private final EdgeDialer dialer;
    private final ReconnectDelays delays;
    private final boolean reconnect;
    private final int takenRetries;
    private final AgentListener listener;
    private final Supplier<List<AgentTunnel>> tunnels;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger reconnects = new AtomicInteger();
    private final CompletableFuture<AgentException> stopped = new CompletableFuture<>();
    private volatile EdgeConnection connection;
    private volatile boolean closing;

    Supervisor(EdgeDialer dialer, ReconnectDelays delays, boolean reconnect, int takenRetries,
               AgentListener listener, Supplier<List<AgentTunnel>> tunnels, ScheduledExecutorService scheduler) {
        this.dialer = dialer;
        this.delays = delays;
        this.reconnect = reconnect;
        this.takenRetries = takenRetries;
        this.listener = listener;
        this.tunnels = tunnels;
        this.scheduler = scheduler;
    }

    /** Connects for the first time; fails with the {@link AgentException} that stopped it. */
    void connectFirst(Duration timeout) {
        established(AgentException.await(dialer.connect(null), timeout));
    }

    /** The connection now, or null before the first; it may have closed since. */
    EdgeConnection connection() {
        return connection;
    }

    int reconnects() {
        return reconnects.get();
    }

    /** Completes when the agent stops: with null after {@link #stop}, or with the error that ended it. */
    CompletableFuture<AgentException> stopped() {
        return stopped;
    }

    /** From now on a lost connection is not dialed again. */
    void closing() {
        closing = true;
    }

    void stop() {
        closing = true;
        stopped.complete(null);
    }

    private void established(EdgeConnection conn) {
        if (connection != null) {
            reconnects.incrementAndGet();
        }
        connection = conn;
        delays.welcomed();
        ControlMessage.Welcome welcome = conn.welcome().join();
        log.atInfo().addKeyValue("edge", welcome.edge()).addKeyValue("session", welcome.session())
                .addKeyValue("server", dialer.edge()).log("connected to edge");
        listener.connected(welcome.edge(), welcome.session());
        conn.channel().closeFuture().addListener(f -> disconnected(conn));
    }

    private void disconnected(EdgeConnection conn) {
        if (closing || conn != connection) {
            return;
        }
        ConnectionEnd end = conn.end();
        delays.ended(end);
        String reason = end.reason();
        log.atWarn().addKeyValue("reason", reason).log("disconnected from edge");
        listener.disconnected(reason);
        if (end.kind() == ConnectionEnd.Kind.REFUSED) {
            log.atError().log("edge refused the agent: {}", reason);
            stopped.complete(end.refusal());
            return;
        }
        if (!reconnect) {
            stopped.complete(new AgentException(ErrorCode.EDGE_UNREACHABLE, "disconnected from edge: " + reason));
            return;
        }
        scheduleReconnect();
    }

    /** The session of the connection established last, which the edge may still hold open; null before any. */
    private String lostSession() {
        EdgeConnection last = connection;
        return last == null ? null : last.welcome().join().session();
    }

    private void scheduleReconnect() {
        if (closing) {
            return;
        }
        Duration delay = delays.next();
        int attempt = delays.attempts();
        log.atInfo().addKeyValue("attempt", attempt).addKeyValue("delay_ms", delay.toMillis()).log("reconnecting");
        listener.reconnecting(attempt, delay);
        // The session lost is named, so that an edge that has not yet noticed the loss hands its names over at once.
        scheduler.schedule(() -> dialer.connect(lostSession()).whenComplete((conn, error) -> {
            if (error == null) {
                if (closing) {
                    conn.close();
                    return;
                }
                established(conn);
                tunnels.get().forEach(t -> rebind(conn, t));
                return;
            }
            AgentException failure = AgentException.from(error);
            if (!failure.retryable()) {
                log.atError().log("edge refused the agent: {}", failure.getMessage());
                stopped.complete(failure);
                return;
            }
            log.atDebug().log("reconnect failed: {}", failure.getMessage());
            scheduleReconnect();
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rebind(EdgeConnection conn, AgentTunnel tunnel) {
        rebind(conn, tunnel, 1);
    }

    private void rebind(EdgeConnection conn, AgentTunnel tunnel, int attempt) {
        conn.bind(tunnel).whenComplete((bound, error) -> {
            if (error == null) {
                tunnel.bound(bound);
                log.atInfo().addKeyValue("url", bound.url()).log("tunnel bound again");
                listener.tunnelBound(tunnel);
                return;
            }
            AgentException failure = AgentException.from(error);
            boolean taken = failure.code() == ErrorCode.HOSTNAME_TAKEN || failure.code() == ErrorCode.PORT_TAKEN;
            if (taken && attempt < takenRetries && conn == connection && !closing) {
                // The edge may not have noticed our old connection is dead yet; ask again shortly.
                log.atWarn().addKeyValue("url", tunnel.url()).addKeyValue("attempt", attempt)
                        .log("the edge still counts the tunnel's address as bound; trying again in 1s (at most {}"
                                + " tries): {}", takenRetries, failure.getMessage());
                scheduler.schedule(() -> rebind(conn, tunnel, attempt + 1), 1, TimeUnit.SECONDS);
                return;
            }
            if (taken) {
                failure = new AgentException(failure.code(), "lost " + tunnel.url() + " after " + attempt
                        + " tries to bind it again: " + failure.getMessage());
            }
            log.atError().addKeyValue("url", tunnel.url()).log("could not bind tunnel again: {}",
                    failure.getMessage());
            listener.bindFailed(tunnel, failure);
        });
    }
}
