package dev.burrow.edge.sni;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * The first bytes of a connection to the public TLS listener, read by {@link SniRouter} for the server name without
 * terminating TLS, with no tunnel bound to any name. Whatever the bytes, nothing escapes into the pipeline, and the
 * connection is closed (after the {@code unrecognized_name} alert at most) or, on a prefix of a ClientHello, waits
 * for more without having written anything, until the ClientHello timeout closes it.
 */
class SniRouterFuzzTest {
    private static final String ALERT_HEX = "15030300020270";
    /** The edge's defaults. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @FuzzTest(maxDuration = "10m")
    void decidesEveryConnection(byte[] input) {
        List<String> lookedUp = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new SniRouter(MAX_CLIENT_HELLO, TIMEOUT, name -> {
            lookedUp.add(name);
            return null;
        }, tunnel -> new ChannelInboundHandlerAdapter()));
        ByteBuf written = Unpooled.buffer();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            channel.runPendingTasks();
            channel.checkException();
            drain(channel, written);
            if (channel.isOpen()) {
                assertThat(written.isReadable()).as("written to an undecided connection").isFalse();
                assertThat(lookedUp).isEmpty();
                channel.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                channel.runPendingTasks();
                channel.checkException();
                drain(channel, written);
                assertThat(channel.isOpen()).as("open after the ClientHello timeout").isFalse();
            }
            String hex = ByteBufUtil.hexDump(written);
            assertThat(hex.isEmpty() || hex.equals(ALERT_HEX)).as("written: %s", hex).isTrue();
            assertThat(lookedUp).hasSizeLessThanOrEqualTo(1).doesNotContainNull();
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, ByteBuf into) {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            into.writeBytes((ByteBuf) out);
            ((ByteBuf) out).release();
        }
    }
}
