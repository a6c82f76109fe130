package dev.burrow.jmh;

import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tunnel's stream layer alone, both sides in memory: an edge-side {@link StreamMux} that opens streams and an
 * agent-side one whose peer opens them, each behind Netty's HTTP/2 codec on an {@link EmbeddedChannel}, the bytes one
 * writes handed to the other. No TLS, no sockets, no HTTP/1.1: what opening, answering and closing a stream costs,
 * and what one 64 KiB chunk costs to cross an open stream, HTTP/2 framing and flow control included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StreamPathBenchmark {
    private static final int CHUNK = 64 * 1024;
    private static final Http2Headers REQUEST = new DefaultHttp2Headers().method("GET").scheme("https")
            .authority("calm-otter-42.tunnels.example.net").path("/api/v2/items").add("burrow-kind", "http");
    private static final Http2Headers RESPONSE = new DefaultHttp2Headers().status("204");

    private EmbeddedChannel edge;
    private EmbeddedChannel agent;
    private StreamMux edgeMux;
    private ByteBuf chunk;
    /** The stream {@link #chunkAcrossAnOpenStream} sends on. */
    private TunnelStream bulk;
    private long answered;
    private long bytesRead;

    @Setup
    public void setUp() {
        chunk = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK, CHUNK).writerIndex(CHUNK);
        edgeMux = new StreamMux(null);
        edge = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), edgeMux);
        agent = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), new StreamMux(stream -> new Answer()));
        pass();
        bulk = edgeMux.open(new Ignore());
        bulk.write(REQUEST, false);
        bulk.flush();
        pass();
    }

    @TearDown
    public void tearDown() {
        edge.finishAndReleaseAll();
        agent.finishAndReleaseAll();
        chunk.release();
        if (answered == 0 && bytesRead == 0) {
            throw new IllegalStateException("nothing crossed: the figures measured nothing");
        }
    }

    /** One request stream opened, its HEADERS answered with a 204 that ends it. */
    @Benchmark
    public long requestAndAnswer() {
        TunnelStream stream = edgeMux.open(new Ignore());
        stream.write(REQUEST, true);
        stream.flush();
        pass();
        return answered;
    }

    /** One 64 KiB chunk across an open stream, and the window it took returned. */
    @Benchmark
    public long chunkAcrossAnOpenStream() {
        bulk.write(chunk.retainedDuplicate(), false);
        bulk.flush();
        pass();
        return bytesRead;
    }

    /** Hands what each side wrote to the other until neither has more. */
    private void pass() {
        boolean moved = true;
        while (moved) {
            moved = move(edge, agent) | move(agent, edge);
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        boolean moved = false;
        for (Object bytes; (bytes = from.readOutbound()) != null; moved = true) {
            to.writeInbound(bytes);
        }
        return moved;
    }

    /** The agent's side: answers a request that ended with 204, and takes a stream's bytes. */
    private final class Answer implements TunnelStream.Handler {
        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            if (endStream) {
                stream.write(RESPONSE, true);
                stream.flush();
                answered++;
            }
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            bytesRead += data.readableBytes();
            data.release();
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
        }
    }

    /** The edge's side: what comes back is dropped. */
    private static final class Ignore implements TunnelStream.Handler {
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
    }
}
