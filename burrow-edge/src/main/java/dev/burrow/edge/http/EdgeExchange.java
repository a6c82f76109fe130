package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.HttpFrames;
import dev.burrow.transport.PausedStreams;
import dev.burrow.transport.StreamWindow;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The stream end of one public HTTP/1.1 exchange, the handler of its tunnel stream: turns the agent's frames into
 * HTTP/1.1 objects ({@link HttpFrames}) once its {@link AgentResponseCheck} passed them, and hands them, and every
 * change of the stream, to its {@link PublicHttpExchange}. Its only decision of its own: when the agent confirms an
 * upgrade, the stream stops being HTTP and carries bytes, delivered as {@link ByteBuf}s, from the next frame on. Its
 * fields are its own: the exchange asks through methods.
 *
 * <p>Everything it reads goes to the exchange, except what follows a refused head, which it releases.
 */
final class EdgeExchange extends PublicLoopHandOver {
    /** What the stream carries: HTTP messages, or after a confirmed upgrade, bytes. */
    private enum Carrying { HTTP, BYTES }

    private final PublicHttpExchange exchange;
    private final boolean upgrade;
    /** Pauses the stream while the public client cannot take more. */
    private final PausedStreams pacing;
    /** Refuses an answer with an invalid status. */
    private final AgentResponseCheck answerCheck = new AgentResponseCheck();
    private final LongSupplier agentRttNanos;
    private final IntSupplier agentStreams;
    /** Stream loop only. */
    private Carrying carrying = Carrying.HTTP;
    /** The stream's receive window, grown while the agent's bytes come as fast as it allows; set on first read. */
    private volatile StreamWindow window;

    EdgeExchange(PublicHttpExchange exchange, EventExecutor publicLoop, AgentStreams agent, boolean upgrade) {
        super(publicLoop);
        this.exchange = exchange;
        this.pacing = agent.pacing();
        this.agentRttNanos = agent.rttNanos();
        this.agentStreams = agent.openStreams();
        this.upgrade = upgrade;
    }

    /** The answer for a client whose stream closed before the agent's answer began. */
    FullHttpResponse closedBeforeAnswer(ByteBufAllocator alloc) {
        return answerCheck.closedBeforeAnswer(alloc);
    }

    /** Pauses or resumes {@code stream}, this end's stream, as the public client can take more or not. */
    void pace(TunnelStream stream, boolean clientWritable) {
        StreamWindow current = window;
        pacing.pace(stream, clientWritable, current == null ? Http2Tuning.STREAM_WINDOW : current.size());
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        if (carrying == Carrying.BYTES) {
            // Trailers of an upgraded stream carry nothing for the client; their END_STREAM still ends it.
            if (endStream) {
                agentEnded();
            }
            return;
        }
        if (!answerCheck.passes(stream, headers)) {
            return;
        }
        HttpObject msg;
        try {
            msg = HttpFrames.headers(stream.id(), headers, endStream, false);
        } catch (Http2Exception e) {
            answerCheck.refuse(stream, e.getMessage());
            return;
        }
        if (upgrade && msg instanceof HttpResponse response && response.headers().contains(Protocol.UPGRADED)) {
            carrying = Carrying.BYTES;
        }
        add(msg);
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (answerCheck.refused()) {
            data.release();
            return;
        }
        int bytes = data.readableBytes();
        if (bytes > 0) {
            if (window == null) {
                window = new StreamWindow(stream, agentRttNanos, agentStreams);
            }
            window.received(bytes);
        }
        if (carrying == Carrying.HTTP) {
            add(HttpFrames.data(data, endStream));
            return;
        }
        if (bytes > 0) {
            add(data);
        } else {
            data.release();
        }
        if (endStream) {
            agentEnded();
        }
    }

    /** The agent ended its side of an upgraded stream, after the bytes before. */
    private void agentEnded() {
        handOverPending();
        onPublicLoop(exchange::agentEnded);
    }

    @Override
    void deliver(List<Object> messages) {
        for (Object msg : messages) {
            exchange.fromAgent(msg);
        }
        exchange.flushToClient();
    }

    @Override
    public void writabilityChanged(TunnelStream stream) {
        onPublicLoop(exchange::streamWritabilityChanged);
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        handOverPending();
        onPublicLoop(exchange::streamClosed);
    }
}
