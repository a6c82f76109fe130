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
 * again with backoff (at the backoff's first step for a while after an edge said it is restarting), binds every
 * running tunnel again on the new connection, and ends the agent on a failure that is not retryable.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /**
     * How long after an edge said it is restarting the agent keeps retrying at its backoff's first step, so that it
     * is back within that step of the edge listening again; beyond it, the delays grow as after any failure.
     */
    private static final Duration RESTART_WINDOW = Duration.ofSeconds(30);

    private final EdgeDialer dialer;
    private final Backoff backoff;
    private final boolean reconnect;
    private final AgentListener listener;
    private final Supplier<List<AgentTunnel>> tunnels;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger reconnects = new AtomicInteger();
    private final CompletableFuture<AgentException> stopped = new CompletableFuture<>();
    private volatile EdgeConnection connection;
    private volatile boolean closing;
    private volatile boolean restartExpected;
    /** {@link System#nanoTime()} until which an edge that said it is restarting is expected back. */
    private volatile long restartExpectedUntil;

    Supervisor(EdgeDialer dialer, Backoff backoff, boolean reconnect, AgentListener listener,
               Supplier<List<AgentTunnel>> tunnels, ScheduledExecutorService scheduler) {
        this.dialer = dialer;
        this.backoff = backoff;
        this.reconnect = reconnect;
        this.listener = listener;
        this.tunnels = tunnels;
        this.scheduler = scheduler;
    }

    /** Connects for the first time; fails with the {@link AgentException} that stopped it. */
    void connectFirst(Duration timeout) {
        established(AgentException.await(dialer.connect(), timeout));
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
        backoff.reset();
        restartExpected = false;
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
        String reason = conn.edgeIsDraining() ? "edge is restarting" : "connection lost";
        if (conn.edgeIsDraining()) {
            restartExpectedUntil = System.nanoTime() + RESTART_WINDOW.toNanos();
            restartExpected = true;
        }
        log.atWarn().addKeyValue("reason", reason).log("disconnected from edge");
        listener.disconnected(reason);
        if (!reconnect) {
            stopped.complete(new AgentException(ErrorCode.EDGE_UNREACHABLE, "disconnected from edge: " + reason));
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closing) {
            return;
        }
        boolean edgeExpectedBack = restartExpected && System.nanoTime() - restartExpectedUntil < 0;
        Duration delay = edgeExpectedBack ? backoff.firstStep() : backoff.next();
        int attempt = backoff.attempts();
        log.atInfo().addKeyValue("attempt", attempt).addKeyValue("delay_ms", delay.toMillis()).log("reconnecting");
        listener.reconnecting(attempt, delay);
        scheduler.schedule(() -> dialer.connect().whenComplete((conn, error) -> {
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
        conn.bind(tunnel).whenComplete((bound, error) -> {
            if (error == null) {
                tunnel.bound(bound);
                log.atInfo().addKeyValue("url", bound.url()).log("tunnel bound again");
                listener.tunnelBound(tunnel);
                return;
            }
            AgentException failure = AgentException.from(error);
            boolean taken = failure.code() == ErrorCode.HOSTNAME_TAKEN || failure.code() == ErrorCode.PORT_TAKEN;
            if (taken && conn == connection && !closing) {
                // The edge may not have noticed our old connection is dead yet; ask again shortly.
                scheduler.schedule(() -> rebind(conn, tunnel), 1, TimeUnit.SECONDS);
                return;
            }
            log.atError().addKeyValue("url", tunnel.url()).log("could not bind tunnel again: {}",
                    failure.getMessage());
            listener.bindFailed(tunnel, failure);
        });
    }
}
