package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's connections before any exchange holds them. */
class UpstreamPoolTest {
    private final List<EmbeddedChannel> dialed = new ArrayList<>();
    private final UpstreamPool pool = new UpstreamPool(null, this::dial);

    private ChannelFuture dial(UpstreamPool.Key key, ChannelHandler initializer) {
        EmbeddedChannel upstream = new EmbeddedChannel(initializer);
        dialed.add(upstream);
        return upstream.newSucceededFuture();
    }

    @AfterEach
    void close() {
        dialed.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void anErrorBeforeAnExchangeHoldsTheConnectionClosesItWithoutReachingThePipelinesEnd() {
        EmbeddedChannel carrier = new EmbeddedChannel();
        pool.connect(new UpstreamPool.Key(carrier.eventLoop(), Upstream.parse("8080"), true));
        EmbeddedChannel upstream = dialed.get(0);

        // The socket broke as it was made, before the exchange took it.
        upstream.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        upstream.checkException();
        assertThat(upstream.isOpen()).isFalse();
        carrier.finishAndReleaseAll();
    }

    @Test
    void aReadTriedWhileTheConnectIsUnderWayLeavesTheConnectionToItsConnect() {
        EmbeddedChannel carrier = new EmbeddedChannel();
        pool.connect(new UpstreamPool.Key(carrier.eventLoop(), Upstream.parse("8080"), true));
        EmbeddedChannel upstream = dialed.get(0);

        // Netty's epoll transport may read a socket whose connect is still under way (netty/netty#10411); the
        // connect then completes, and closing here failed it: the visitor got a 502 from a reachable upstream.
        upstream.pipeline().fireExceptionCaught(new NotYetConnectedException());

        upstream.checkException();
        assertThat(upstream.isOpen()).isTrue();
        carrier.finishAndReleaseAll();
    }
}
