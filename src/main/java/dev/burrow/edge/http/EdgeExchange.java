package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.StreamBytesCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream end of one public exchange. It runs on the agent connection's event loop and hands everything to the
 * {@link PublicHttpHandler} on the public connection's loop, so all exchange state lives on one thread. Its only
 * decision of its own: when the agent confirms an upgrade, the stream stops being HTTP and becomes a byte pipe,
 * switched here before the next frame can arrive.
 */
final class EdgeExchange extends ChannelInboundHandlerAdapter {
    private final PublicHttpHandler owner;
    private final EventExecutor publicLoop;
    final boolean upgrade;
    /** Pauses the stream while the public client cannot take more. */
    final PausedStreams pacing;
    /** The request has no body: it went as a full request, and its empty last part is not sent. */
    final boolean bodyless;
    /** Set once on the public loop when the stream opens; read there only. */
    Http2StreamChannel stream;
    boolean responseStarted;
    boolean responseDone;
    boolean ended;
    /** Messages read from the stream and not yet handed over; stream loop only. */
    private List<Object> batch;

    EdgeExchange(PublicHttpHandler owner, EventExecutor publicLoop, PausedStreams pacing, boolean upgrade,
            boolean bodyless) {
        this.owner = owner;
        this.publicLoop = publicLoop;
        this.pacing = pacing;
        this.upgrade = upgrade;
        this.bodyless = bodyless;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgrade && msg instanceof HttpResponse response && response.headers().contains(Protocol.UPGRADED)) {
            ctx.pipeline().remove(Http2StreamFrameToHttpObjectCodec.class);
            ctx.pipeline().addBefore(ctx.name(), "bytes", new StreamBytesCodec());
        }
        // Messages of one read are handed over together, in one task: each hand-over may wake the other loop.
        if (batch == null) {
            batch = new ArrayList<>(4);
        }
        batch.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOver();
    }

    private void handOver() {
        List<Object> messages = batch;
        batch = null;
        onPublicLoop(() -> {
            if (messages != null) {
                for (Object msg : messages) {
                    owner.fromAgent(this, msg);
                }
            }
            owner.flushToClient(this);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StreamBytesCodec.INPUT_SHUTDOWN) {
            if (batch != null) {
                handOver();
            }
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
        if (batch != null) {
            handOver();
        }
        onPublicLoop(() -> owner.streamClosed(this));
        ctx.fireChannelInactive();
    }

    /**
     * Runs on the public connection's loop: at once when that is this stream's loop too (the connection moved to
     * its agent's loop), else as a task there.
     */
    private void onPublicLoop(Runnable work) {
        if (publicLoop.inEventLoop()) {
            work.run();
        } else {
            publicLoop.execute(work);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
