package dev.burrow.agent;

import dev.burrow.protocol.CertificateEvent;
import java.time.Duration;
import java.util.List;

/** What happens to an agent's session, for a console or an application to show. Called on Netty threads. */
public interface AgentListener {
    AgentListener NONE = new AgentListener() {
    };

    /** One listener that tells each of {@code listeners}, in order. */
    static AgentListener all(AgentListener... listeners) {
        List<AgentListener> each = List.of(listeners);
        return new AgentListener() {
            @Override
            public void connected(String edge, String session) {
                each.forEach(listener -> listener.connected(edge, session));
            }

            @Override
            public void tunnelBound(AgentTunnel tunnel) {
                each.forEach(listener -> listener.tunnelBound(tunnel));
            }

            @Override
            public void disconnected(String reason) {
                each.forEach(listener -> listener.disconnected(reason));
            }

            @Override
            public void reconnecting(int attempt, Duration delay) {
                each.forEach(listener -> listener.reconnecting(attempt, delay));
            }

            @Override
            public void bindFailed(AgentTunnel tunnel, AgentException error) {
                each.forEach(listener -> listener.bindFailed(tunnel, error));
            }

            @Override
            public void certificate(AgentTunnel tunnel, String hostname, CertificateEvent event, String detail) {
                each.forEach(listener -> listener.certificate(tunnel, hostname, event, detail));
            }
        };
    }

    default void connected(String edge, String session) {
    }

    default void tunnelBound(AgentTunnel tunnel) {
    }

    default void disconnected(String reason) {
    }

    default void reconnecting(int attempt, Duration delay) {
    }

    default void bindFailed(AgentTunnel tunnel, AgentException error) {
    }

    /**
     * The edge, which gets its HTTPS certificates from an ACME CA, says what became of the order for
     * {@code hostname}, a name of {@code tunnel}; {@code detail} is as {@link CertificateEvent} says.
     */
    default void certificate(AgentTunnel tunnel, String hostname, CertificateEvent event, String detail) {
    }
}
