package dev.burrow.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Why one agent connection ended, said in one line when it closes. The first reason recorded wins: what follows it
 * (the close, the GOAWAY NO_ERROR a close sends, the control stream going down with the connection) are its
 * consequences. As a listener on the connection's HTTP/2 state it also hears both sides' GOAWAYs: an error code the
 * edge sends is a fault it found (a protocol violation, or a flood one of the codec's limits caught), and a GOAWAY
 * from the agent is it leaving. Thread-safe: reasons come from the connection's loop and from the edge stopping.
 */
final class SessionEnd extends Http2ConnectionAdapter {
    private static final Logger log = LoggerFactory.getLogger(SessionEnd.class);

    enum Reason {
        /** The connection closed with no reason given on this side: the agent closed it, or the network did. */
        CLOSED(Level.INFO),
        /** The agent said GOAWAY NO_ERROR: it is shutting down. */
        AGENT_DRAINED(Level.INFO),
        /** The agent said GOAWAY with an error code. */
        AGENT_ERROR(Level.WARN),
        /** The edge told the agent it is shutting down. */
        EDGE_DRAINING(Level.INFO),
        /** The edge stopped at once. */
        EDGE_STOPPED(Level.INFO),
        /** The TLS handshake failed, or the peer did not agree on Burrow's ALPN. */
        TLS_FAILED(Level.INFO),
        AUTH_TIMEOUT(Level.WARN),
        /** The edge refused the session with a control {@code error} (a bad token, throttling, a bad message). */
        REFUSED(Level.WARN),
        /** The session's token may no longer be used (revoked, expired, deleted, its account disabled). */
        REVOKED(Level.INFO),
        /** The edge's operator ended the session (the admin API). */
        OPERATOR(Level.INFO),
        /** The agent connected again, naming this session, before the edge noticed it had gone silent. */
        SUPERSEDED(Level.INFO),
        /** The control stream ended while the connection was up. */
        CONTROL_CLOSED(Level.WARN),
        HEARTBEAT_TIMEOUT(Level.WARN),
        /** The edge sent GOAWAY with an error code other than ENHANCE_YOUR_CALM. */
        PROTOCOL_ERROR(Level.WARN),
        /** The edge sent GOAWAY ENHANCE_YOUR_CALM: the agent exceeded one of the connection's limits. */
        FLOOD(Level.WARN),
        /** The connection failed (an I/O error). */
        CONNECTION_FAILED(Level.INFO);

        private final Level level;

        Reason(Level level) {
            this.level = level;
        }

        String logName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A reason, the error code of the GOAWAY the edge sent for it if any, and what more is known. */
    private record Ending(Reason reason, Http2Error goAway, String detail) {
    }

    private final AtomicReference<Ending> first = new AtomicReference<>();

    /**
     * Records why the session ends, unless a reason was recorded before.
     *
     * @return true if this is the reason: nothing else was ending the session
     */
    boolean record(Reason reason, String detail) {
        return first.compareAndSet(null, new Ending(reason, null, detail));
    }

    /** The reason recorded first, or null while none was. */
    Reason reason() {
        Ending ending = first.get();
        return ending == null ? null : ending.reason();
    }

    @Override
    public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
        Http2Error error = Http2Error.valueOf(errorCode);
        if (error != Http2Error.NO_ERROR) {
            Reason reason = error == Http2Error.ENHANCE_YOUR_CALM ? Reason.FLOOD : Reason.PROTOCOL_ERROR;
            first.compareAndSet(null, new Ending(reason, error, text(debugData)));
        }
    }

    @Override
    public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
        Http2Error error = Http2Error.valueOf(errorCode);
        if (error == Http2Error.NO_ERROR) {
            record(Reason.AGENT_DRAINED, null);
        } else {
            record(Reason.AGENT_ERROR, "GOAWAY " + (error == null ? errorCode : error) + " " + text(debugData));
        }
    }

    /** Why the session ended, as its end line says it: {@code closed} when no reason was recorded. */
    String reasonName() {
        Reason reason = reason();
        return (reason == null ? Reason.CLOSED : reason).logName();
    }

    /** Says in one line why the session ended, who it was, and what the edge told the agent. */
    void log(AgentSession session) {
        Ending ending = first.get();
        if (ending == null) {
            ending = new Ending(Reason.CLOSED, null, null);
        }
        LoggingEventBuilder line = log.atLevel(ending.reason().level)
                .addKeyValue("remote", session.remoteAddress());
        if (session.isAuthenticated()) {
            line = line.addKeyValue("session", session.id()).addKeyValue("token", session.token().name())
                    .addKeyValue("account", session.token().account());
        }
        line = line.addKeyValue("reason", ending.reason().logName());
        if (ending.goAway() != null) {
            line = line.addKeyValue("goaway", ending.goAway().name());
        }
        if (ending.detail() != null && !ending.detail().isEmpty()) {
            line = line.addKeyValue("detail", ending.detail());
        }
        line.log("agent session ended");
    }

    private static String text(ByteBuf debugData) {
        return debugData == null ? "" : debugData.toString(StandardCharsets.UTF_8);
    }
}
