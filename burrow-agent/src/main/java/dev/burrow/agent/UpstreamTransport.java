package dev.burrow.agent;

import dev.burrow.tls.UpstreamTls;
import dev.burrow.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the agent dials its upstreams: on its own event loops, within its connect timeout, with TLS contexts made
 * once per certificate policy and protocol. Every upstream connection, pooled, HTTP/2, TCP or a replay, starts
 * from {@link #bootstrap}.
 */
final class UpstreamTransport {
    private final EventLoops loops;
    private final Duration connectTimeout;
    /** Upstream TLS contexts by certificate policy and protocol, made when first needed. */
    private final Map<List<Boolean>, SslContext> tls = new ConcurrentHashMap<>();

    UpstreamTransport(EventLoops loops, Duration connectTimeout) {
        this.loops = loops;
        this.connectTimeout = connectTimeout;
    }

    /** A client bootstrap on {@code group} with the transport's channel type, connect timeout and no Nagle. */
    Bootstrap bootstrap(EventLoopGroup group) {
        return new Bootstrap()
                .group(group)
                .channel(loops.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
    }

    EventLoopGroup group() {
        return loops.group();
    }

    /** TLS toward upstreams, checking their certificates if {@code verify}, offering HTTP/2 alone if {@code http2}. */
    SslContext tls(boolean verify, boolean http2) {
        return tls.computeIfAbsent(List.of(verify, http2), key -> UpstreamTls.upstreamClientContext(verify, http2));
    }
}
