package dev.burrow.edge.http;

import dev.burrow.edge.AgentSession;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.TunnelStream;
import io.netty.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What a public exchange needs of the agent connection that serves its tunnel, and no more: a new stream told to a
 * given handler, the pacing of its streams, and its round trip and open streams (for the stream's receive window).
 *
 * @param opener opens a stream with the handler; completes on the agent connection's loop
 */
record AgentStreams(Function<TunnelStream.Handler, Future<TunnelStream>> opener, PausedStreams pacing,
                    LongSupplier rttNanos, IntSupplier openStreams) {
    static AgentStreams of(AgentSession session) {
        return new AgentStreams(session::openStream, session.pausedStreams(), session::rttNanos,
                session::openStreams);
    }

    Future<TunnelStream> open(TunnelStream.Handler handler) {
        return opener.apply(handler);
    }
}
