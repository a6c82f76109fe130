package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestBodyTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final AtomicLong now = new AtomicLong();
    private final List<Object> events = new ArrayList<>();
    private RequestBodyTimeout timeout;
    private EmbeddedChannel channel;

    private void start(int minBytesPerSecond) {
        timeout = new RequestBodyTimeout(TIMEOUT, minBytesPerSecond, now::get);
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.freezeTime();
        channel.pipeline().addLast(timeout, new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** Moves the handler's clock and the channel's scheduler together, running what falls due. */
    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** The relay asks for bytes, and {@code count} arrive after {@code millis}. */
    private void bytesAfter(long millis, int count) {
        channel.read();
        advance(millis);
        ByteBuf bytes = Unpooled.wrappedBuffer(new byte[count]);
        channel.writeInbound(bytes);
        ((ByteBuf) channel.readInbound()).release();
    }

    private boolean expired() {
        return events.contains(RequestBodyTimeout.EXPIRED);
    }

    @Test
    void aBodyThatStopsExpiresAfterTheTimeout() {
        start(1000);
        timeout.expectBody();
        channel.read();

        advance(TIMEOUT.toMillis() - 1);
        assertThat(expired()).isFalse();
        advance(1);
        assertThat(events).containsExactly(RequestBodyTimeout.EXPIRED);
    }

    @Test
    void aBodySlowerThanTheMinimumRateExpiresSoonAfterTheTimeout() {
        start(1000);
        timeout.expectBody();

        // One byte every 100 ms is 10 bytes/s: each byte buys 1 ms, each wait costs 100.
        int reads = 0;
        while (!expired() && reads < 100) {
            bytesAfter(100, 1);
            reads++;
        }

        assertThat(expired()).isTrue();
        assertThat(reads).isBetween(10, 11);
    }

    @Test
    void aBodyAtTheMinimumRateOrFasterNeverExpires() {
        start(1000);
        timeout.expectBody();

        for (int i = 0; i < 100; i++) {
            bytesAfter(100, 100);
        }

        assertThat(expired()).isFalse();
    }

    @Test
    void creditNeverGrowsBeyondTheTimeout() {
        start(1000);
        timeout.expectBody();
        // A megabyte at once buys 1,000 s, but no more than the timeout is kept.
        bytesAfter(0, 1_000_000);
        channel.read();

        advance(TIMEOUT.toMillis());
        assertThat(expired()).isTrue();
    }

    @Test
    void timeWithNoReadAskedForDoesNotCount() {
        start(1000);
        timeout.expectBody();
        bytesAfter(500, 1);

        // The relay holds the client back (its stream is not writable): no read is asked for.
        advance(10 * TIMEOUT.toMillis());
        assertThat(expired()).isFalse();

        channel.read();
        advance(499);
        assertThat(expired()).isFalse();
        advance(10);
        assertThat(expired()).isTrue();
    }

    @Test
    void withoutAMinimumRateAnyByteRestoresTheWholeTimeout() {
        start(0);
        timeout.expectBody();
        for (int i = 0; i < 20; i++) {
            bytesAfter(TIMEOUT.toMillis() - 1, 1);
        }
        assertThat(expired()).isFalse();

        channel.read();
        advance(TIMEOUT.toMillis());
        assertThat(expired()).isTrue();
    }

    @Test
    void nothingExpiresOnceTheBodyIsDoneOrBeforeOneIsExpected() {
        start(1000);
        channel.read();
        advance(10 * TIMEOUT.toMillis());

        timeout.expectBody();
        channel.read();
        advance(TIMEOUT.toMillis() / 2);
        timeout.bodyDone();
        advance(10 * TIMEOUT.toMillis());

        assertThat(events).isEmpty();
    }

    @Test
    void aNewBodyStartsWithTheWholeTimeout() {
        start(1000);
        timeout.expectBody();
        channel.read();
        advance(TIMEOUT.toMillis() - 100);
        timeout.bodyDone();

        timeout.expectBody();
        channel.read();
        advance(TIMEOUT.toMillis() - 1);
        assertThat(expired()).isFalse();
        advance(1);
        assertThat(expired()).isTrue();
    }
}
