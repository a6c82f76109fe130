package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.StreamBytesCodec;
import dev.burrow.transport.StreamWindow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The stream end of one public HTTP/1.1 exchange, handing everything the stream reads and every change of the
 * stream to its {@link PublicHttpExchange}. Its only decision of its own: when the agent confirms an upgrade, the
 * stream stops being HTTP and becomes a byte pipe, switched here before the next frame can arrive. Its fields are its
 * own: the exchange asks through methods.
 */
final class EdgeExchange extends PublicLoopHandOver {
    private final PublicHttpExchange exchange;
    private final boolean upgrade;
    /** Pauses the stream while the public client cannot take more. */
    private final PausedStreams pacing;
    /** First in the stream's pipeline: refuses an answer with an invalid status. */
    private final AgentResponseCheck answerCheck = new AgentResponseCheck();
    private final LongSupplier agentRttNanos;
    /** The stream's receive window, grown while the agent's bytes come as fast as it allows; set on first read. */
    private volatile StreamWindow window;

    EdgeExchange(PublicHttpExchange exchange, EventExecutor publicLoop, AgentStreams agent, boolean upgrade) {
        super(publicLoop);
        this.exchange = exchange;
        this.pacing = agent.pacing();
        this.agentRttNanos = agent.rttNanos();
        this.upgrade = upgrade;
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
        StreamWindow current = window;
        pacing.pace(stream, clientWritable, current == null ? Http2Tuning.STREAM_WINDOW : current.size());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int bytes = msg instanceof HttpContent content ? content.content().readableBytes()
                : msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        if (bytes > 0) {
            if (window == null) {
                window = new StreamWindow((Http2StreamChannel) ctx.channel(), agentRttNanos);
            }
            window.received(bytes);
        }
        if (upgrade && msg instanceof HttpResponse response && response.headers().contains(Protocol.UPGRADED)) {
            ctx.pipeline().remove(Http2StreamFrameToHttpObjectCodec.class);
            ctx.pipeline().addBefore(ctx.name(), "bytes", new StreamBytesCodec());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    void deliver(List<Object> messages) {
        if (messages != null) {
            for (Object msg : messages) {
                exchange.fromAgent(msg);
            }
        }
        exchange.flushToClient();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN) {
            handOverPending();
            onPublicLoop(exchange::agentEnded);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        onPublicLoop(exchange::streamWritabilityChanged);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOverPending();
        onPublicLoop(exchange::streamClosed);
        ctx.fireChannelInactive();
    }
}
