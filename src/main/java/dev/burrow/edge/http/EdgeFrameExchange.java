package dev.burrow.edge.http;

import dev.burrow.transport.PausedStreams;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;

/**
 * The stream end of one public HTTP/2 exchange: the agent's frames as they are, its writability, and its close with
 * the error code of the agent's reset, all handed to the {@link PublicHttp2Stream}.
 */
final class EdgeFrameExchange extends PublicLoopHandOver {
    private final PublicHttp2Stream owner;
    /** Pauses the stream while the public client cannot take more. */
    private final PausedStreams pacing;
    /** First in the stream's pipeline: refuses an answer with an invalid status. */
    private final AgentResponseCheck answerCheck = new AgentResponseCheck();
    /** The agent's reset, if it sent one; stream loop only. */
    private Http2Error resetBy;

    EdgeFrameExchange(PublicHttp2Stream owner, EventExecutor publicLoop, PausedStreams pacing) {
        super(publicLoop);
        this.owner = owner;
        this.pacing = pacing;
    }

    AgentResponseCheck answerCheck() {
        return answerCheck;
    }

    /** The answer for a client whose stream closed before the agent's answer began. */
    FullHttpResponse closedBeforeAnswer(ByteBufAllocator alloc) {
        return answerCheck.closedBeforeAnswer(alloc);
    }

    /** Pauses or resumes {@code stream}, this end's stream, as the public client can take more or not. */
    void pace(Http2StreamChannel stream, boolean clientWritable) {
        pacing.pace(stream, clientWritable);
    }

    @Override
    void deliver(List<Object> messages) {
        owner.fromAgent(this, messages);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            resetBy = Http2Error.valueOf(reset.errorCode());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        onPublicLoop(() -> owner.agentWritabilityChanged(this));
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOverPending();
        Http2Error reset = resetBy;
        onPublicLoop(() -> owner.agentClosed(this, reset));
        ctx.fireChannelInactive();
    }
}
