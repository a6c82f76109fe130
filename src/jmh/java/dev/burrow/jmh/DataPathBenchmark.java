package dev.burrow.jmh;

import dev.burrow.transport.StreamBytesCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-chunk cost of a raw byte stream (upgraded connections, the control stream): {@link StreamBytesCodec}
 * unwrapping 64 KiB DATA frames into their buffers and wrapping buffers into frames. Both directions pass the
 * buffer on without copying; setup checks that, since a copy would still give right answers, only slower ones.
 *
 * <p>Every call sends the same pooled direct chunk, retained once per trip and released at the far end, so the
 * figure is the codec and pipeline alone, not the allocator. {@link #copyChunk} is a yardstick, not Burrow code:
 * what one copy of a chunk would add if the data path ever grew one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DataPathBenchmark {
    private static final int CHUNK = 64 * 1024;

    private EmbeddedChannel channel;
    private ByteBuf chunk;

    @Setup
    public void setUp() {
        chunk = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK, CHUNK);
        for (int i = 0; i < CHUNK; i += Long.BYTES) {
            chunk.writeLong(0x9E3779B97F4A7C15L * (i + 1));
        }
        channel = new EmbeddedChannel(new StreamBytesCodec());

        ByteBuf in = frameToBytes();
        if (in != chunk) {
            throw new IllegalStateException("inbound DATA frame content was copied or wrapped: " + in);
        }
        in.release();
        Http2DataFrame out = bytesToFrame();
        if (out.content() != chunk) {
            throw new IllegalStateException("outbound buffer was copied or wrapped: " + out.content());
        }
        out.release();
        if (chunk.refCnt() != 1 || chunk.readableBytes() != CHUNK) {
            throw new IllegalStateException("the codec changed the chunk: refCnt " + chunk.refCnt()
                    + ", readable " + chunk.readableBytes());
        }
    }

    @TearDown
    public void tearDown() {
        boolean leftovers = channel.finishAndReleaseAll();
        int refCnt = chunk.refCnt();
        chunk.release();
        // A miscounted retain or release would make every figure above meaningless, so fail loudly instead.
        if (leftovers || refCnt != 1) {
            throw new IllegalStateException("unbalanced buffers: leftovers " + leftovers + ", refCnt " + refCnt);
        }
    }

    /** Inbound: a DATA frame from the agent connection becomes bytes for the socket on the other side. */
    @Benchmark
    public void inboundFrameToBytes(Blackhole bh) {
        ByteBuf bytes = frameToBytes();
        bh.consume(bytes);
        bytes.release();
    }

    /** Outbound: bytes read from a socket become a DATA frame on the stream. */
    @Benchmark
    public void outboundBytesToFrame(Blackhole bh) {
        Http2DataFrame frame = bytesToFrame();
        bh.consume(frame);
        frame.release();
    }

    @Benchmark
    public void copyChunk(Blackhole bh) {
        ByteBuf copy = chunk.copy();
        bh.consume(copy);
        copy.release();
    }

    private ByteBuf frameToBytes() {
        channel.writeInbound(new DefaultHttp2DataFrame(chunk.retain()));
        return channel.readInbound();
    }

    private Http2DataFrame bytesToFrame() {
        channel.writeOutbound(chunk.retain());
        return channel.readOutbound();
    }
}
