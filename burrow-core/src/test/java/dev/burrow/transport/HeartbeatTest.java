package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private EmbeddedChannel channel;
    private Heartbeat heartbeat;
    private ChannelHandlerContext ctx;

    private void start(Duration interval, int missedLimit) {
        heartbeat = new Heartbeat(interval, missedLimit, nanos::get);
        channel = new EmbeddedChannel(heartbeat);
        ctx = channel.pipeline().context(heartbeat);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private Http2PingFrame sentPing() {
        Http2PingFrame ping = channel.readOutbound();
        assertThat(ping).as("a PING on the connection").isNotNull();
        assertThat(ping.ack()).isFalse();
        return ping;
    }

    @Test
    void tickWritesAPing() {
        start(Duration.ofHours(1), 3);

        heartbeat.tick(ctx);

        assertThat(sentPing().content()).isEqualTo(nanos.get());
        assertThat(heartbeat.lastRttNanos()).isEqualTo(-1);
    }

    @Test
    void matchingAckMeasuresTheRoundTripAndIsConsumed() {
        start(Duration.ofHours(1), 3);
        heartbeat.tick(ctx);
        long payload = sentPing().content();

        nanos.addAndGet(7_500_000);
        channel.writeInbound(new DefaultHttp2PingFrame(payload, true));

        assertThat(heartbeat.lastRttNanos()).isEqualTo(7_500_000);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void ackWithAnotherPayloadIsIgnored() {
        start(Duration.ofHours(1), 3);
        heartbeat.tick(ctx);
        long payload = sentPing().content();

        nanos.addAndGet(1_000);
        channel.writeInbound(new DefaultHttp2PingFrame(payload + 1, true));

        assertThat(heartbeat.lastRttNanos()).isEqualTo(-1);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void pingsFromThePeerAndOtherFramesPassThrough() {
        start(Duration.ofHours(1), 3);
        DefaultHttp2PingFrame peerPing = new DefaultHttp2PingFrame(99, false);
        DefaultHttp2SettingsFrame settings = new DefaultHttp2SettingsFrame(new Http2Settings());

        channel.writeInbound(peerPing, settings);

        assertThat((Object) channel.readInbound()).isSameAs(peerPing);
        assertThat((Object) channel.readInbound()).isSameAs(settings);
    }

    @Test
    void closesAfterMissedLimitUnansweredPings() {
        start(Duration.ofHours(1), 3);

        heartbeat.tick(ctx);
        for (int missed = 1; missed < 3; missed++) {
            nanos.addAndGet(1_000);
            heartbeat.tick(ctx);
            assertThat(channel.isOpen()).as("open after %d missed", missed).isTrue();
        }
        assertThat(channel.outboundMessages()).hasSize(3);

        nanos.addAndGet(1_000);
        heartbeat.tick(ctx);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void tellsTheHandlersAfterItThatThePeerWentSilentBeforeClosing() {
        start(Duration.ofHours(1), 2);
        List<String> seen = new ArrayList<>();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen.add(evt + (ctx.channel().isOpen() ? " while open" : " after close"));
            }
        });

        heartbeat.tick(ctx);
        heartbeat.tick(ctx);
        heartbeat.tick(ctx);

        assertThat(seen).containsExactly(Heartbeat.TIMED_OUT + " while open");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAnswerResetsTheMissedCount() {
        start(Duration.ofHours(1), 3);
        heartbeat.tick(ctx);
        nanos.addAndGet(1_000);
        heartbeat.tick(ctx);
        channel.outboundMessages().clear();
        // The ACK of the latest ping: that one is outstanding.
        channel.writeInbound(new DefaultHttp2PingFrame(nanos.get(), true));

        for (int i = 0; i < 3; i++) {
            nanos.addAndGet(1_000);
            heartbeat.tick(ctx);
        }

        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.outboundMessages()).hasSize(3);
    }

    @Test
    void pingsGoOutOnTheIntervalOnceActive() {
        start(Duration.ofSeconds(10), 3);
        assertThat((Object) channel.readOutbound()).isNull();

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        sentPing();

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        sentPing();
    }

    @Test
    void noPingsAfterTheChannelCloses() {
        start(Duration.ofSeconds(10), 3);
        channel.close();

        channel.advanceTimeBy(60, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat((Object) channel.readOutbound()).isNull();
    }
}
