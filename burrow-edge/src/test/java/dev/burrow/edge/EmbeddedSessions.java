package dev.burrow.edge;

import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.StreamMux;
import io.netty.channel.Channel;
import java.time.Duration;

/** Agent sessions on in-memory agent connections, for tests outside this package that route to a tunnel. */
public final class EmbeddedSessions {
    private EmbeddedSessions() {
    }

    /** A session on {@code connection}, whose streams {@code mux} opens. */
    public static AgentSession on(Channel connection, StreamMux mux) {
        return new AgentSession(connection, new Heartbeat(Duration.ofSeconds(10), 3), mux);
    }
}
