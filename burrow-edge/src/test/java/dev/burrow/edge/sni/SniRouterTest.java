package dev.burrow.edge.sni;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's answers to what cannot be routed; routing itself is covered end to end in {@code TlsTunnelTest}. */
class SniRouterTest {
    /** A fatal unrecognized_name alert record. */
    private static final String ALERT_HEX = "15030300020270";
    private static final int MAX_CLIENT_HELLO = 16 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Server names looked up, in order. */
    private final List<String> lookedUp = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @BeforeEach
    void setUp() {
        // Frozen before the router starts its timer, so that only advanceTimeBy moves the clock.
        channel.freezeTime();
        channel.pipeline().addLast(new SniRouter(MAX_CLIENT_HELLO, TIMEOUT, name -> {
            lookedUp.add(name);
            return null;
        }, tunnel -> new ChannelInboundHandlerAdapter()));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aServerNameOfNoTunnelGetsTheAlertAndTheConnectionCloses() throws Exception {
        channel.writeInbound(clientHello("nobody.burrow.test"));

        // Looked up once: the bytes still buffered when the connection closes are not read again.
        assertThat(lookedUp).containsExactly("nobody.burrow.test");
        assertThat(outboundHex()).isEqualTo(ALERT_HEX);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClientHelloWithoutAServerNameGetsTheAlertWithoutALookUp() throws Exception {
        channel.writeInbound(clientHello(null));

        assertThat(lookedUp).isEmpty();
        assertThat(outboundHex()).isEqualTo(ALERT_HEX);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClientHelloArrivingByteByByteIsReadWhole() throws Exception {
        ByteBuf hello = clientHello("split.burrow.test");
        try {
            while (hello.readableBytes() > 1) {
                channel.writeInbound(hello.readRetainedSlice(1));
                assertThat(channel.outboundMessages()).isEmpty();
                assertThat(channel.isOpen()).isTrue();
            }
            channel.writeInbound(hello.readRetainedSlice(1));
        } finally {
            hello.release();
        }

        assertThat(lookedUp).containsExactly("split.burrow.test");
        assertThat(outboundHex()).isEqualTo(ALERT_HEX);
    }

    @Test
    void plaintextIsClosedWithoutAnAnswer() {
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: app.burrow.test\r\n\r\n",
                StandardCharsets.US_ASCII));

        assertThat(lookedUp).isEmpty();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClientHelloOverTheLimitIsClosedWithoutWaitingForIt() {
        int tooLong = MAX_CLIENT_HELLO + 1;
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x01,
                (byte) (tooLong >>> 16), (byte) (tooLong >>> 8), (byte) tooLong}));

        assertThat(lookedUp).isEmpty();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClientHelloAtTheLimitIsWaitedFor() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x01,
                (byte) (MAX_CLIENT_HELLO >>> 16), (byte) (MAX_CLIENT_HELLO >>> 8), (byte) MAX_CLIENT_HELLO}));

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anIncompleteClientHelloIsClosedAtTheTimeout() throws Exception {
        ByteBuf hello = clientHello("slow.burrow.test");
        channel.writeInbound(hello.readRetainedSlice(hello.readableBytes() / 2));
        hello.release();

        channel.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(lookedUp).isEmpty();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    /** The one outbound buffer, as hex; released. */
    private String outboundHex() {
        ByteBuf written = channel.readOutbound();
        assertThat(written).as("bytes written to the client").isNotNull();
        try {
            assertThat(channel.outboundMessages()).isEmpty();
            return ByteBufUtil.hexDump(written);
        } finally {
            written.release();
        }
    }

    /** A real ClientHello from the JDK's TLS client, naming {@code serverName} or, if null, no server at all. */
    private static ByteBuf clientHello(String serverName) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of()
                : List.<SNIServerName>of(new SNIHostName(serverName)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        return Unpooled.wrappedBuffer(out);
    }
}
