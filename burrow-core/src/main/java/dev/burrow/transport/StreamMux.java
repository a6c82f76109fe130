package dev.burrow.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one tunnel connection, after its {@link Http2FrameCodec}: hands each stream's frames to its
 * {@link TunnelStream}, opens streams for this side, and makes a stream for each one the peer opens. Frames of the
 * connection itself (SETTINGS, PING, GOAWAY) pass on to the handlers after it. Event loop only, except where said.
 */
public final class StreamMux extends Http2ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamMux.class);

    /** Gives each stream the peer opens its first handler; null where the peer may open none. */
    private final Function<TunnelStream, TunnelStream.Handler> peerStreams;
    private final IntObjectMap<TunnelStream> streams = new IntObjectHashMap<>();
    /** The streams that read in the current read of the connection, told of its end. */
    private final List<TunnelStream> readInBurst = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private Http2Connection connection;

    /** @param peerStreams the first handler of each stream the peer opens, or null if it may open none */
    public StreamMux(Function<TunnelStream, TunnelStream.Handler> peerStreams) {
        this.peerStreams = peerStreams;
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = ctx.pipeline().get(Http2FrameCodec.class).connection();
    }

    /**
     * A new stream from this side with {@code handler}; the peer learns of it from its first HEADERS. Event loop
     * only.
     */
    public TunnelStream open(TunnelStream.Handler handler) {
        return new TunnelStream(this, newStream(), handler, true);
    }

    /** Streams open now; event loop only. */
    public int openStreams() {
        return streams.size();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2StreamFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        TunnelStream stream = streams.get(frame.stream().id());
        if (stream == null) {
            // A frame for a stream this side has closed already (a reset crossing the peer's DATA).
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2ResetFrame reset) {
            stream.resetReceived(Http2Error.valueOf(reset.errorCode()));
        } else if (msg instanceof Http2DataFrame || msg instanceof Http2HeadersFrame) {
            if (!stream.readInBurst) {
                stream.readInBurst = true;
                readInBurst.add(stream);
            }
            stream.frameRead(frame);
        } else {
            // WINDOW_UPDATE (the codec acts on it), PRIORITY, unknown frame types.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Handlers may open or close streams meanwhile: the list is walked by index, and new entries wait for the
        // next read.
        int n = readInBurst.size();
        for (int i = 0; i < n; i++) {
            readInBurst.get(i).readComplete();
        }
        readInBurst.subList(0, n).clear();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Http2FrameStreamEvent event)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (event.type() != Http2FrameStreamEvent.Type.State) {
            // Flow-control writability: a stream's queued bytes already say it (see TunnelStream).
            return;
        }
        Http2FrameStream frameStream = event.stream();
        switch (frameStream.state()) {
            case OPEN, HALF_CLOSED_REMOTE -> {
                if (!streams.containsKey(frameStream.id()) && connection.remote().isValidStreamId(frameStream.id())) {
                    peerOpened(frameStream);
                }
            }
            case CLOSED -> {
                TunnelStream stream = streams.get(frameStream.id());
                if (stream != null) {
                    stream.codecClosed();
                }
            }
            default -> {
            }
        }
    }

    private void peerOpened(Http2FrameStream frameStream) {
        if (peerStreams == null) {
            // The codec ends such a connection itself (see NoPeerStreamsCodec); this is only a second guard.
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM).stream(frameStream));
            return;
        }
        TunnelStream stream = new TunnelStream(this, frameStream, null, false);
        stream.handler(peerStreams.apply(stream));
        register(stream);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        for (TunnelStream stream : streams.values().toArray(new TunnelStream[0])) {
            stream.updateWritability();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The codec closed every stream before this, but a stream holding frames for its handler waits to hand
        // them on first, and with the connection gone its handler may never read again.
        for (TunnelStream stream : streams.values().toArray(new TunnelStream[0])) {
            stream.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            // The codec only reports an error of one stream (a malformed message, a body longer or shorter than its
            // content-length): the stream is reset here with its code, and its close reaches the stream's handler.
            log.atDebug().addKeyValue("stream", streamError.stream().id()).log(streamError.getMessage());
            TunnelStream stream = streams.get(streamError.stream().id());
            if (stream != null) {
                stream.reset(streamError.error());
            } else {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(streamError.error()).stream(streamError.stream()));
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    void register(TunnelStream stream) {
        streams.put(stream.id(), stream);
    }

    void unregister(TunnelStream stream) {
        int id = stream.id();
        if (id > 0 && streams.get(id) == stream) {
            streams.remove(id);
        }
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    ChannelPromise newPromise() {
        return ctx.newPromise();
    }

    void write(Object frame, ChannelPromise promise) {
        ctx.write(frame, promise);
    }

    void flush() {
        ctx.flush();
    }

    boolean connectionWritable() {
        return ctx.channel().isWritable();
    }

    /** Resets the stream if the codec still has it open; false if it closed there already. */
    boolean resetIfOpen(TunnelStream stream, Http2Error error) {
        Http2Stream http2 = connection.stream(stream.id());
        if (http2 == null || http2.state() == Http2Stream.State.CLOSED) {
            return false;
        }
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream.frameStream()));
        return true;
    }

    /** The handler took {@code bytes} of the stream's DATA: the stream's window is returned as its ratio says. */
    void consumed(TunnelStream stream, int bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            connection.local().flowController().consumeBytes(connection.stream(stream.id()), bytes);
        } catch (Http2Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    void growWindow(TunnelStream stream, int bytes) {
        Http2Stream http2 = connection.stream(stream.id());
        if (http2 == null) {
            return;
        }
        try {
            connection.local().flowController().incrementWindowSize(http2, bytes);
        } catch (Http2Exception e) {
            // The stream closed meanwhile: nothing left to grow.
        }
    }

    @Override
    public String toString() {
        return ctx == null ? "connection (not added)" : ctx.channel().toString();
    }
}
