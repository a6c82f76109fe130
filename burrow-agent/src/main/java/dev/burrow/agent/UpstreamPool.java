package dev.burrow.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to upstreams, so that a request does not pay a TCP (and TLS) handshake. Idle
 * connections are kept per event loop and upstream, and each deque is touched only from its own loop, so no lock
 * is needed. An idle connection that the upstream closes, that says anything, or that stays idle past
 * {@link #IDLE_TIMEOUT} leaves the pool.
 *
 * <p>Every connection's pipeline ends in a {@link Relay} named {@value #RELAY}, which passes the connection's events
 * to whoever holds it: an exchange, or the pool while it waits.
 */
final class UpstreamPool {
    static final String RELAY = "relay";
    /** Shorter than the keep-alive timeouts common servers use, so the upstream rarely closes first. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
    /**
     * Each public HTTP/2 connection may carry many requests at once, each of which takes its own upstream
     * connection: with 64 kept, 640 concurrent streams (h2load, 64 connections x 10) closed most upstream connections
     * after one request and dialed anew, and 512 served 1.6x the req/s (bench/results/2026-12-07-0050-pool.md). The
     * idle timeout still closes what a burst leaves.
     */
    private static final int MAX_IDLE_PER_UPSTREAM = 512;
    private static final int MAX_RESPONSE_LINE = 8 * 1024;
    private static final int MAX_RESPONSE_HEADERS = 64 * 1024;
    private static final int MAX_CHUNK = 64 * 1024;
    private static final AttributeKey<Key> KEY = AttributeKey.valueOf("burrow.upstream");

    /** Which connections may serve which exchange: same loop, same upstream, same certificate policy. */
    record Key(EventLoop loop, Upstream upstream, boolean verifyTls) {
    }

    private final UpstreamTransport transport;
    private final UpstreamDialer dialer;
    private final ConcurrentMap<Key, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    UpstreamPool(UpstreamTransport transport) {
        this(transport, UpstreamDialer.through(transport));
    }

    UpstreamPool(UpstreamTransport transport, UpstreamDialer dialer) {
        this.transport = transport;
        this.dialer = dialer;
    }

    /** An idle, open connection for the key, or null. Call on {@code key.loop()}. */
    Channel poll(Key key) {
        ArrayDeque<Channel> deque = idle.get(key);
        if (deque == null) {
            return null;
        }
        Channel channel;
        while ((channel = deque.pollLast()) != null) {
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /** A new connection for the key; its last handler is a placeholder named {@value #RELAY}. */
    ChannelFuture connect(Key key) {
        Upstream target = key.upstream();
        return dialer.dial(key, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.attr(KEY).set(key);
                if (target.tls()) {
                    ch.pipeline().addLast(transport.tls(key.verifyTls(), false)
                            .newHandler(ch.alloc(), target.host(), target.port()));
                }
                HttpDecoderConfig decoder = new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_RESPONSE_LINE)
                        .setMaxHeaderSize(MAX_RESPONSE_HEADERS)
                        .setMaxChunkSize(MAX_CHUNK)
                        .setAllowPartialChunks(true);
                long idleMs = IDLE_TIMEOUT.toMillis();
                ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                        .addLast("http", new HttpClientCodec(decoder, false, false))
                        .addLast(RELAY, new Relay());
            }
        });
    }

    /** Takes back a connection whose exchange ended cleanly. Call on the connection's loop. */
    void offer(Channel channel) {
        Key key = channel.attr(KEY).get();
        ArrayDeque<Channel> deque = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (!channel.isActive() || deque.size() >= MAX_IDLE_PER_UPSTREAM) {
            channel.close();
            return;
        }
        handTo(channel, new IdleInPool(deque));
        // Backpressure may have paused reading; an idle connection must read, or its close would go unseen.
        channel.config().setAutoRead(true);
        deque.addLast(channel);
    }

    /** Closes every idle connection; the agent is stopping. Safe from any thread. */
    void closeIdle() {
        idle.forEach((key, deque) -> key.loop().execute(() -> {
            Channel channel;
            while ((channel = deque.pollFirst()) != null) {
                channel.close();
            }
        }));
    }

    /** Gives the connection's events from now on to {@code holder}. Call on the connection's loop. */
    static void handTo(Channel channel, ChannelInboundHandler holder) {
        ((Relay) channel.pipeline().get(RELAY)).holder = holder;
    }

    /**
     * The last handler of a pooled connection. A hand-over is a field write rather than a pipeline change, which
     * costs a lock and two handler callbacks, twice a request.
     */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private ChannelInboundHandler holder = new Unheld();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            holder.channelRead(ctx, msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            holder.channelReadComplete(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            holder.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            holder.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            holder.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            holder.exceptionCaught(ctx, cause);
        }
    }

    /**
     * Holds a connection no exchange has taken yet: an error then (its socket broke as it was made) closes it, and
     * the connect's listener, or the exchange about to take it, sees it closed. Nobody else is there to be told.
     */
    private static final class Unheld extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof NotYetConnectedException) {
                // Netty's epoll transport may read a socket whose connect is still under way (netty/netty#10411).
                // The connect then ends on its own, with its real outcome; closing here made a reachable upstream
                // look unreachable (a 502, "StacklessClosedChannelException").
                return;
            }
            ctx.close();
        }
    }

    /** Watches a connection while it waits in the pool. */
    private static final class IdleInPool extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Channel> deque;

        IdleInPool(ArrayDeque<Channel> deque) {
            this.deque = deque;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Nothing was asked: an idle upstream that speaks is out of step, and cannot be trusted again.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            deque.remove(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
