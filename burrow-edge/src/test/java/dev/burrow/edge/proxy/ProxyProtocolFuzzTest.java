package dev.burrow.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a listed load balancer sends first, through the gate as the edge configures Netty's PROXY protocol decoder
 * (v1 and v2, bounded TLVs) and its reader. Whatever the bytes: nothing escapes into the pipeline, and either the
 * header was read (the listener's handlers are let in, with a client address) or the connection is closed, or, on a
 * prefix of a header, it waits without letting anything in until the header timeout closes it.
 */
class ProxyProtocolFuzzTest {
    private static final InetSocketAddress BALANCER = new InetSocketAddress("10.0.0.5", 41000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("10.0.0.9", 8080);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ProxyProtocolGate GATE = new ProxyProtocolGate(List.of(Cidr.parse("10.0.0.0/24")), TIMEOUT);

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @FuzzTest(maxDuration = "10m")
    void letsInOrCloses(byte[] input) throws Exception {
        Behind behind = new Behind();
        BalancerChannel channel = new BalancerChannel();
        try {
            GATE.install(channel, pipeline -> pipeline.addLast("behind", behind));
            channel.register();
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            channel.runPendingTasks();
            channel.checkException();
            if (behind.active) {
                assertThat(ClientAddress.of(channel)).isNotNull();
                assertThat(channel.pipeline().get("proxy-header")).isNull();
            } else if (channel.isOpen()) {
                assertThat(behind.bytes).isZero();
                channel.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                channel.runPendingTasks();
                channel.checkException();
                assertThat(channel.isOpen()).as("open after the header timeout").isFalse();
            }
            assertThat(behind.active || behind.bytes == 0).as("bytes let in before the connection was").isTrue();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** The listener's handlers: whether they were let in, and how many bytes reached them. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        boolean active;
        int bytes;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes += msg instanceof ByteBuf buf ? buf.readableBytes() : 1;
            ReferenceCountUtil.release(msg);
        }
    }

    /** A connection from the load balancer, reading only when asked, as on the public listeners. */
    private static final class BalancerChannel extends EmbeddedChannel {
        BalancerChannel() {
            super(false, false);
            config().setAutoRead(false);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return BALANCER;
        }

        @Override
        protected SocketAddress localAddress0() {
            return LISTENER;
        }
    }
}
