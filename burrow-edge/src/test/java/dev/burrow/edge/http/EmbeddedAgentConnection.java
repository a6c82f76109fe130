package dev.burrow.edge.http;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.EmbeddedSessions;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's end of an agent connection, in memory: Netty's HTTP/2 codec (client role) and a {@link StreamMux} on an
 * {@link EmbeddedChannel}, so that exchanges get real tunnel streams. A test plays the agent: it writes the agent's
 * frames as bytes ({@link #headers}, {@link #data}, {@link #reset}) and reads the frames the edge sent
 * ({@link #sent}).
 */
final class EmbeddedAgentConnection implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    /** One frame the edge sent; the header block of a HEADERS frame decoded. */
    record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
        boolean endStream() {
            return (flags & END_STREAM) != 0;
        }

        String text() {
            return new String(payload, StandardCharsets.ISO_8859_1);
        }
    }

    private final StreamMux mux = new StreamMux(null);
    final EmbeddedChannel channel = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), mux);
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private final ByteBuf received = Unpooled.buffer();
    private boolean prefaceSeen;

    EmbeddedAgentConnection() {
        frame(SETTINGS, 0, 0, new byte[0]);
        sent();
    }

    /** Opens streams on this connection. */
    AgentStreams streams() {
        return new AgentStreams(handler -> channel.eventLoop().newSucceededFuture(mux.open(handler)),
                Http2Tuning.pausedStreams(), () -> -1, mux::openStreams);
    }

    /** A session on this connection, for a tunnel that routes to it. */
    AgentSession session() {
        return EmbeddedSessions.on(channel, mux);
    }

    /** An agent connection on which no stream can be opened. */
    AgentStreams refusing() {
        return new AgentStreams(handler -> channel.eventLoop().newFailedFuture(new IllegalStateException("closed")),
                Http2Tuning.pausedStreams(), () -> -1, () -> 0);
    }

    void headers(int streamId, Http2Headers headers, boolean endStream) {
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(streamId, headers, block);
            frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, ByteBufUtil.getBytes(block));
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            block.release();
        }
    }

    void data(int streamId, String text, boolean endStream) {
        frame(DATA, endStream ? END_STREAM : 0, streamId, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void reset(int streamId, Http2Error error) {
        frame(RST_STREAM, 0, streamId, new byte[] {0, 0, 0, (byte) error.code()});
    }

    private void frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuf frame = Unpooled.buffer(9 + payload.length);
        frame.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(streamId).writeBytes(payload);
        channel.writeInbound(frame);
        channel.runPendingTasks();
    }

    /** The frames the edge sent since the last call, SETTINGS and their acknowledgements left out. */
    List<Frame> sent() {
        channel.runPendingTasks();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            received.writeBytes(out);
            out.release();
        }
        if (!prefaceSeen && received.readableBytes() >= Http2CodecUtil.connectionPrefaceBuf().readableBytes()) {
            received.skipBytes(Http2CodecUtil.connectionPrefaceBuf().readableBytes());
            prefaceSeen = true;
        }
        List<Frame> frames = new ArrayList<>();
        while (prefaceSeen && received.readableBytes() >= 9
                && received.readableBytes() >= 9 + received.getUnsignedMedium(received.readerIndex())) {
            int length = received.readUnsignedMedium();
            int type = received.readUnsignedByte();
            int flags = received.readUnsignedByte();
            int streamId = received.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            received.readBytes(payload);
            if (type != SETTINGS) {
                frames.add(new Frame(type, flags, streamId, payload, type == HEADERS ? decode(streamId, payload) : null));
            }
        }
        received.discardReadBytes();
        return frames;
    }

    private Http2Headers decode(int streamId, byte[] block) {
        ByteBuf buf = Unpooled.wrappedBuffer(block);
        try {
            return decoder.decodeHeaders(streamId, buf);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
    }

    @Override
    public void close() {
        received.release();
        channel.finishAndReleaseAll();
    }
}
