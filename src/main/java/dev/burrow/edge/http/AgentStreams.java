package dev.burrow.edge.http;

import dev.burrow.edge.AgentSession;
import dev.burrow.transport.PausedStreams;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a public exchange needs of the agent connection that serves its tunnel, and no more: a new stream with a given
 * pipeline, the pacing of its streams, and its round trip (for the stream's receive window).
 *
 * @param opener opens a stream with the handler as its whole pipeline; completes on the agent connection's loop
 */
record AgentStreams(Function<ChannelHandler, Future<Http2StreamChannel>> opener, PausedStreams pacing,
                    LongSupplier rttNanos) {
    static AgentStreams of(AgentSession session) {
        return new AgentStreams(session::openStream, session.pausedStreams(), session::rttNanos);
    }

    Future<Http2StreamChannel> open(ChannelHandler pipeline) {
        return opener.apply(pipeline);
    }
}
