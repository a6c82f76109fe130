package dev.burrow.agent;

import dev.burrow.transport.EmbeddedLink;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An agent's tunnel connection in memory: the edge's side (the HTTP/2 client, which opens the streams) and the
 * agent's (the server, whose {@link StreamMux} gives each stream its first handler), each an embedded channel, with
 * the bytes each writes handed to the other by {@link #exchange}. The agent's channel is the streams' event loop, so
 * its clock is the exchanges' clock. Every DATA frame's bytes reach the agent's streams in a buffer of their own,
 * kept here, so that a test can tell whether the agent released each.
 */
final class TunnelPair implements AutoCloseable {
    final EmbeddedChannel edge = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), new StreamMux(null));
    final EmbeddedChannel agent;
    /** The bytes of every DATA frame the agent's streams were given. */
    private final List<ByteBuf> delivered = new ArrayList<>();

    TunnelPair(Function<TunnelStream, TunnelStream.Handler> agentStreams) {
        agent = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2DataFrame data) {
                    // A buffer of its own even when empty (a copy of nothing would be the shared empty buffer).
                    ByteBuf own = Unpooled.buffer(data.content().readableBytes()).writeBytes(data.content());
                    delivered.add(own);
                    ctx.fireChannelRead(new DefaultHttp2DataFrame(own, data.isEndStream(), data.padding())
                            .stream(data.stream()));
                    data.release();
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        }, new StreamMux(agentStreams));
        exchange();
    }

    /** A handler that takes what comes and does nothing, for a stream a test drives by hand. */
    static TunnelStream.Handler idle() {
        return new TunnelStream.Handler() {
            @Override
            public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            }

            @Override
            public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
                data.release();
            }

            @Override
            public void closed(TunnelStream stream, Http2Error resetBy) {
            }
        };
    }

    /** Whether the agent released the bytes of every DATA frame it was given. */
    boolean agentReleasedAll() {
        return delivered.stream().allMatch(bytes -> bytes.refCnt() == 0);
    }

    /** Hands the bytes each side wrote to the other until neither has more. */
    void exchange() {
        EmbeddedLink.exchange(edge, agent);
    }

    /** Opens a stream from the edge with {@code headers}, and delivers it. */
    EdgeStream open(Http2Headers headers, boolean endStream) {
        EdgeStream stream = new EdgeStream();
        stream.stream = edge.pipeline().get(StreamMux.class).open(stream);
        stream.stream.write(headers, endStream);
        stream.stream.flush();
        exchange();
        return stream;
    }

    @Override
    public void close() {
        edge.finishAndReleaseAll();
        agent.finishAndReleaseAll();
    }

    /** The edge's end of one stream: sends as the edge would, and records what the agent answered, one line a frame. */
    final class EdgeStream implements TunnelStream.Handler {
        private TunnelStream stream;
        /** What the agent sent, in order: "HEADERS 200", "DATA text end", "closed CANCEL". */
        final List<String> frames = new ArrayList<>();
        /** The HEADERS the agent sent, in order. */
        final List<Http2Headers> headers = new ArrayList<>();
        /** Sends DATA and delivers it. */
        void data(String text, boolean endStream) {
            stream.write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), endStream);
            stream.flush();
            exchange();
        }

        /** Resets the stream, as the edge does when its public client leaves. */
        void reset(Http2Error error) {
            stream.reset(error);
            exchange();
        }

        boolean isActive() {
            return stream.isActive();
        }

        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            this.headers.add(headers);
            frames.add("HEADERS " + headers.status() + (endStream ? " end" : ""));
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            frames.add("DATA " + data.toString(StandardCharsets.UTF_8) + (endStream ? " end" : ""));
            data.release();
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
            frames.add("closed " + resetBy);
        }
    }
}
