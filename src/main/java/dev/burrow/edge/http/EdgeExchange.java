package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.StreamBytesCodec;
import dev.burrow.transport.StreamWindow;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The stream end of one public HTTP/1.1 exchange, handing everything to the {@link PublicHttpHandler}. Its only
 * decision of its own: when the agent confirms an upgrade, the stream stops being HTTP and becomes a byte pipe,
 * switched here before the next frame can arrive.
 */
final class EdgeExchange extends PublicLoopHandOver {
    private final PublicHttpHandler owner;
    final boolean upgrade;
    /** Pauses the stream while the public client cannot take more. */
    final PausedStreams pacing;
    /** First in the stream's pipeline: refuses an answer with an invalid status. */
    final AgentResponseCheck answerCheck = new AgentResponseCheck();
    private final LongSupplier agentRttNanos;
    /** The stream's receive window, grown while the agent's bytes come as fast as it allows; set on first read. */
    private volatile StreamWindow window;
    /** The request has no body: it went as a full request, and its empty last part is not sent. */
    final boolean bodyless;
    /** Set once on the public loop when the stream opens; read there only. */
    Http2StreamChannel stream;
    boolean responseStarted;
    boolean responseDone;
    /** How the edge's drain counts this exchange: until the response's last bytes were written to the client. */
    final InFlight inFlight;

    EdgeExchange(PublicHttpHandler owner, EventExecutor publicLoop, PausedStreams pacing, LongSupplier agentRttNanos,
            boolean upgrade, boolean bodyless, InFlight inFlight) {
        super(publicLoop);
        this.owner = owner;
        this.pacing = pacing;
        this.agentRttNanos = agentRttNanos;
        this.upgrade = upgrade;
        this.bodyless = bodyless;
        this.inFlight = inFlight;
    }

    /** Pauses or resumes the stream as the public client can take more or not. */
    void pace(boolean clientWritable) {
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
                owner.fromAgent(this, msg);
            }
        }
        owner.flushToClient(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN) {
            handOverPending();
            onPublicLoop(() -> owner.agentEnded(this));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        onPublicLoop(() -> owner.streamWritabilityChanged(this));
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOverPending();
        onPublicLoop(() -> owner.streamClosed(this));
        ctx.fireChannelInactive();
    }
}
