package dev.burrow.edge.http;

import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;

/**
 * The stream end of one public HTTP/2 exchange, the handler of its tunnel stream: the agent's frames as they are
 * (once its {@link AgentResponseCheck} passed them), its writability, and its close with the error code of the
 * agent's reset, all handed to the {@link PublicHttp2Stream}. What follows a refused head it releases.
 */
final class EdgeFrameExchange extends PublicLoopHandOver {
    private final PublicHttp2Stream owner;
    /** Pauses the stream while the public client cannot take more. */
    private final PausedStreams pacing;
    /** Refuses an answer with an invalid status. */
    private final AgentResponseCheck answerCheck = new AgentResponseCheck();

    EdgeFrameExchange(PublicHttp2Stream owner, EventExecutor publicLoop, PausedStreams pacing) {
        super(publicLoop);
        this.owner = owner;
        this.pacing = pacing;
    }

    /** The answer for a client whose stream closed before the agent's answer began. */
    FullHttpResponse closedBeforeAnswer(ByteBufAllocator alloc) {
        return answerCheck.closedBeforeAnswer(alloc);
    }

    /** Pauses or resumes {@code stream}, this end's stream, as the public client can take more or not. */
    void pace(TunnelStream stream, boolean clientWritable) {
        pacing.pace(stream, clientWritable);
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        if (answerCheck.passes(stream, headers)) {
            add(new DefaultHttp2HeadersFrame(headers, endStream));
        }
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (answerCheck.refused()) {
            data.release();
        } else {
            add(new DefaultHttp2DataFrame(data, endStream));
        }
    }

    @Override
    void deliver(List<Object> messages) {
        owner.fromAgent(this, messages);
    }

    @Override
    public void writabilityChanged(TunnelStream stream) {
        onPublicLoop(() -> owner.agentWritabilityChanged(this));
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        handOverPending();
        onPublicLoop(() -> owner.agentClosed(this, resetBy));
    }
}
