package dev.burrow.agent;

import java.time.Duration;

/** What happens to an agent's session, for a console or an application to show. Called on Netty threads. */
public interface AgentListener {
    AgentListener NONE = new AgentListener() {
    };

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
}
