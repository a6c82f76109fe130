package dev.burrow.agent;

import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.Http2Tuning;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 connections to upstreams that speak it, each carrying many exchanges at once as its streams. One connection
 * per event loop, upstream and certificate policy (an {@link UpstreamPool.Key}), used only from its loop; streams
 * beyond the upstream's SETTINGS_MAX_CONCURRENT_STREAMS wait in the codec until others end. A connection the
 * upstream closed or said GOAWAY on is replaced for the next stream; one without streams for {@link #IDLE_TIMEOUT}
 * is closed.
 */
final class Http2Upstreams {
    /** An open connection costs the upstream little and saves a handshake per burst of requests. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamTransport transport;
    private final UpstreamDialer dialer;
    /** The connection of each key, completed once it can carry streams; each value is touched on its key's loop. */
    private final ConcurrentMap<UpstreamPool.Key, Future<Channel>> connections = new ConcurrentHashMap<>();

    Http2Upstreams(UpstreamTransport transport) {
        this(transport, UpstreamDialer.through(transport));
    }

    Http2Upstreams(UpstreamTransport transport, UpstreamDialer dialer) {
        this.transport = transport;
        this.dialer = dialer;
    }

    /** Opens a stream to the key's upstream with {@code handler} as its pipeline. Call on {@code key.loop()}. */
    Future<Http2StreamChannel> openStream(UpstreamPool.Key key, ChannelHandler handler) {
        Future<Channel> connection = connections.get(key);
        if (connection == null || (connection.isDone() && !carriesStreams(connection))) {
            connection = connect(key);
            connections.put(key, connection);
        }
        Promise<Http2StreamChannel> stream = key.loop().newPromise();
        connection.addListener(connected -> {
            if (connected.isSuccess()) {
                new Http2StreamChannelBootstrap((Channel) connected.getNow()).handler(handler).open(stream);
            } else {
                stream.tryFailure(connected.cause());
            }
        });
        return stream;
    }

    private static boolean carriesStreams(Future<Channel> connection) {
        if (!connection.isSuccess() || !connection.getNow().isActive()) {
            return false;
        }
        Http2FrameCodec codec = connection.getNow().pipeline().get(Http2FrameCodec.class);
        return codec != null && !codec.connection().goAwayReceived();
    }

    private Future<Channel> connect(UpstreamPool.Key key) {
        Upstream target = key.upstream();
        Promise<Channel> ready = key.loop().newPromise();
        ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                long idleMs = IDLE_TIMEOUT.toMillis();
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
                if (target.tls()) {
                    ch.pipeline()
                            .addLast("tls", transport.tls(key.verifyTls(), true)
                                    .newHandler(ch.alloc(), target.host(), target.port()))
                            .addLast("alpn", new RequireH2(ready));
                } else {
                    addHttp2(ch.pipeline());
                }
            }
        };
        dialer.dial(key, initializer).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                ready.tryFailure(connected.cause());
                return;
            }
            connected.channel().closeFuture().addListener(closed -> {
                ready.tryFailure(new IllegalStateException("the upstream closed the connection"));
                connections.remove(key, ready);
            });
            if (!target.tls()) {
                ready.trySuccess(connected.channel());
            }
        });
        return ready;
    }

    private static void addHttp2(ChannelPipeline pipeline) {
        pipeline.addLast("h2", Http2Tuning.upstreamCodec())
                .addLast("window", new ConnectionWindow(Http2Tuning.CONNECTION_WINDOW))
                .addLast("mux", new Http2MultiplexHandler(RefusePushedStreams.INSTANCE))
                .addLast("connection", new IdleWithoutStreams());
    }

    /** Closes every connection; the agent is stopping. Safe from any thread. */
    void closeAll() {
        connections.values().forEach(connection -> connection.addListener(connected -> {
            if (connected.isSuccess()) {
                ((Channel) connected.getNow()).close();
            }
        }));
    }

    /**
     * After the TLS handshake: HTTP/2 only if the upstream chose {@code h2} in ALPN, since the agent offered nothing
     * else; otherwise the connection fails with a reason the client's error page names.
     */
    private static final class RequireH2 extends ChannelInboundHandlerAdapter {
        private final Promise<Channel> ready;

        RequireH2(Promise<Channel> ready) {
            this.ready = ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ctx.fireUserEventTriggered(evt);
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                String chosen = ctx.pipeline().get(SslHandler.class).applicationProtocol();
                if (!handshake.isSuccess()) {
                    ready.tryFailure(handshake.cause());
                    ctx.close();
                } else if (!ApplicationProtocolNames.HTTP_2.equals(chosen)) {
                    ready.tryFailure(new IllegalStateException("the upstream did not agree to HTTP/2 in its TLS "
                            + "handshake (ALPN h2); is it an HTTP/2 server?"));
                    ctx.close();
                } else {
                    ctx.pipeline().remove(this);
                    addHttp2(ctx.pipeline());
                    ready.trySuccess(ctx.channel());
                }
            }
        }
    }

    /** Closes a connection that idled with no stream open; releases the connection-level frames it sees. */
    private static final class IdleWithoutStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent
                    && ctx.pipeline().get(Http2FrameCodec.class).connection().numActiveStreams() == 0) {
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The codec answers its own protocol errors with GOAWAY and closes; anything else closes here.
            if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
                ctx.close();
            }
        }
    }

    /** The agent disables push; a stream the upstream opens anyway is closed at once. */
    @ChannelHandler.Sharable
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        static final RefusePushedStreams INSTANCE = new RefusePushedStreams();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
