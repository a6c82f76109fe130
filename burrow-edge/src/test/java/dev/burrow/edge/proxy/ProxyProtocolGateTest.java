package dev.burrow.edge.proxy;

import dev.burrow.transport.ClientAddress;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate and its PROXY header reader on an embedded channel whose peer is a load balancer (or not). */
class ProxyProtocolGateTest {
    private static final InetSocketAddress BALANCER = new InetSocketAddress("10.0.0.5", 41000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("10.0.0.9", 8080);
    private static final ProxyProtocolGate GATE = new ProxyProtocolGate(List.of(Cidr.parse("10.0.0.0/24")),
            Duration.ofSeconds(5));

    private final Behind behind = new Behind();
    private PeerChannel channel;

    @AfterEach
    void tearDown() throws Exception {
        channel.finishAndReleaseAll();
    }

    /** A connection from {@code peer}, its pipeline assembled through {@link #GATE}. */
    private void connect(InetSocketAddress peer) throws Exception {
        channel = new PeerChannel(peer, LISTENER);
        GATE.install(channel, pipeline -> pipeline.addLast("behind", behind));
        channel.register();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void aPeerOutsideTheBlocksIsLetInAtOnceAndItsBytesPassUntouched() throws Exception {
        connect(new InetSocketAddress("192.0.2.1", 50000));

        assertThat(behind.active).isTrue();
        channel.writeInbound(ascii("PROXY TCP4 203.0.113.7 10.0.0.9 40000 8080\r\n"));

        assertThat(behind.received()).isEqualTo("PROXY TCP4 203.0.113.7 10.0.0.9 40000 8080\r\n");
        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("192.0.2.1", 50000));
    }

    @Test
    void aV1HeaderNamesTheClientAndTheBytesAfterItFollowActive() throws Exception {
        connect(BALANCER);
        assertThat(behind.active).as("held back until the header is read").isFalse();

        channel.writeInbound(ascii("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nGET / HTTP/1.1\r\n"));

        assertThat(behind.active).isTrue();
        assertThat(behind.activeBeforeBytes).isTrue();
        assertThat(behind.received()).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("203.0.113.7", 40000));
        assertThat(ClientAddress.reached(channel)).isEqualTo(new InetSocketAddress("198.51.100.1", 443));
        assertThat(channel.pipeline().get("proxy-header")).isNull();
        assertThat(channel.pipeline().get("proxy-reader")).isNull();
    }

    @Test
    void theReadAskedForOnActivationIsAnsweredByTheBytesAfterTheHeader() throws Exception {
        connect(BALANCER);
        AtomicInteger reads = new AtomicInteger();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        });
        behind.readOnActive = true;

        channel.writeInbound(ascii("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nGET / HTTP/1.1\r\n"));

        assertThat(behind.received()).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(reads.get()).as("no read beyond the bytes that came with the header").isZero();
    }

    @Test
    void aV2HeaderArrivingByteByByteNamesAnIpv6Client() throws Exception {
        connect(BALANCER);
        ByteBuf header = v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1", 40000, 443));

        while (header.isReadable()) {
            assertThat(behind.active).isFalse();
            channel.writeInbound(header.readRetainedSlice(1));
        }
        header.release();

        assertThat(behind.active).isTrue();
        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("2001:db8::7", 40000));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aLocalHeaderKeepsTheConnectionsOwnAddresses() throws Exception {
        connect(BALANCER);

        channel.writeInbound(v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL,
                HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0)));

        assertThat(behind.active).isTrue();
        assertThat(ClientAddress.of(channel)).isEqualTo(BALANCER);
        assertThat(ClientAddress.reached(channel)).isEqualTo(LISTENER);
    }

    @Test
    void aPeerInsideTheBlocksMustSendTheHeader() throws Exception {
        connect(BALANCER);

        channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
        assertThat(behind.bytes).isEmpty();
    }

    @Test
    void aMalformedHeaderCloses() throws Exception {
        connect(BALANCER);

        channel.writeInbound(ascii("PROXY TCP4 203.0.113.999 10.0.0.9 40000 8080\r\nGET / HTTP/1.1\r\n"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
    }

    @Test
    void aHeaderAfterAMalformedOneNeverLetsTheClosedConnectionIn() throws Exception {
        connect(BALANCER);

        // Closing, the decoder reads the bytes left after the malformed header, and finds a header in them.
        channel.writeInbound(ascii("PROXY BAD\r\nPROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nGET /\r\n"));
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
        assertThat(behind.received()).isEmpty();
        channel.checkException();
    }

    @Test
    void aV1HeaderLongerThanTheSpecificationAllowsCloses() throws Exception {
        connect(BALANCER);

        channel.writeInbound(ascii("PROXY TCP4 " + "1".repeat(120)));

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
    }

    @Test
    void aV2HeaderWithMoreTlvBytesThanTheBoundCloses() throws Exception {
        connect(BALANCER);
        ByteBuf header = v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP4, "203.0.113.7", "10.0.0.9", 40000, 8080));
        // Declares a length far past the addresses and the bound on TLVs; sends that much, in vain.
        int declared = 12 + ProxyProtocolGate.MAX_TLV_BYTES + 1000;
        header.setShort(14, declared);

        channel.writeInbound(Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(new byte[declared - 12])));

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
    }

    @Test
    void aHeaderNotCompleteInTimeCloses() throws Exception {
        connect(BALANCER);
        channel.writeInbound(ascii("PROXY TCP4 203.0.113.7 "));

        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
    }

    private static ByteBuf v2(HAProxyMessage message) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        encoder.finishAndReleaseAll();
        return bytes;
    }

    /** Stands for the listener's own handlers: notes activation and keeps the bytes it gets. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        boolean readOnActive;
        boolean active;
        boolean activeBeforeBytes;
        final List<String> bytes = new ArrayList<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
            if (readOnActive) {
                ctx.read();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (bytes.isEmpty()) {
                activeBeforeBytes = active;
            }
            ByteBuf buf = (ByteBuf) msg;
            bytes.add(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }

        String received() {
            return String.join("", bytes);
        }
    }

    /** An embedded channel with real socket addresses at both ends, registered only once its pipeline is built. */
    private static final class PeerChannel extends EmbeddedChannel {
        private final InetSocketAddress peer;
        private final InetSocketAddress local;

        PeerChannel(InetSocketAddress peer, InetSocketAddress local) {
            super(false, false);
            this.peer = peer;
            this.local = local;
            // As on the public listeners, nothing is read unless a handler asks.
            config().setAutoRead(false);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return peer;
        }

        @Override
        protected SocketAddress localAddress0() {
            return local;
        }
    }
}
