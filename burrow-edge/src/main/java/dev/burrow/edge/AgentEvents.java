package dev.burrow.edge;

import dev.burrow.protocol.ErrorCode;
import java.net.InetSocketAddress;

/**
 * What happens to agents on the agent port, for the metrics and the audit log: who authenticated, who was refused
 * and why, which binds were refused, and how sessions ended. Told on the sessions' event loops: a listener must be
 * thread-safe and must not block.
 */
public interface AgentEvents {
    /** Hears nothing. */
    AgentEvents NONE = new AgentEvents() {
    };

    /** An agent authenticated: the session is live. */
    default void authenticated(AgentSession session) {
    }

    /**
     * The edge refused an agent connection with {@code code} and ended it: a wrong token ({@code auth_failed}),
     * throttled ({@code rate_limited}), a protocol problem.
     */
    default void refused(InetSocketAddress remote, ErrorCode code, String message) {
    }

    /** The edge refused a bind of a live session with {@code code}. */
    default void bindRefused(AgentSession session, ErrorCode code) {
    }

    /** A tunnel no longer holds its address: its session let it go, or ended. */
    default void tunnelReleased(Tunnel tunnel) {
    }

    /**
     * An authenticated session ended.
     *
     * @param reason why, as the session's end line says it ({@code closed}, {@code revoked}, {@code operator}...)
     */
    default void sessionEnded(AgentSession session, String reason) {
    }

    /** Tells {@code first}, then {@code second}. */
    static AgentEvents both(AgentEvents first, AgentEvents second) {
        return new AgentEvents() {
            @Override
            public void authenticated(AgentSession session) {
                first.authenticated(session);
                second.authenticated(session);
            }

            @Override
            public void refused(InetSocketAddress remote, ErrorCode code, String message) {
                first.refused(remote, code, message);
                second.refused(remote, code, message);
            }

            @Override
            public void bindRefused(AgentSession session, ErrorCode code) {
                first.bindRefused(session, code);
                second.bindRefused(session, code);
            }

            @Override
            public void tunnelReleased(Tunnel tunnel) {
                first.tunnelReleased(tunnel);
                second.tunnelReleased(tunnel);
            }

            @Override
            public void sessionEnded(AgentSession session, String reason) {
                first.sessionEnded(session, reason);
                second.sessionEnded(session, reason);
            }
        };
    }
}
