package dev.burrow.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A TLS server on 127.0.0.1 and a way to run one client handshake against it. */
final class LoopbackTls {

    record Outcome(String applicationProtocol, String tlsVersion) {
    }

    private static final long TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    LoopbackTls(SslContext serverContext) {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new CloseOnError());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /**
     * Connects to the loopback address while telling TLS the server is {@code host}, which is
     * how an agent reaches an edge by name. A null host makes a handler without peer details.
     *
     * @throws Exception the handshake failure, unwrapped
     */
    Outcome handshake(SslContext clientContext, String host) throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        // Kept from creation: a fast failure can tear the pipeline down before we could look it up.
        AtomicReference<SslHandler> handler = new AtomicReference<>();
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = host == null
                                ? clientContext.newHandler(ch.alloc())
                                : clientContext.newHandler(ch.alloc(), host, port);
                        handler.set(tls);
                        ch.pipeline().addLast(tls, new CloseOnError());
                    }
                })
                .connect(server.localAddress());
        connected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Channel client = connected.channel();
        try {
            SslHandler tls = handler.get();
            tls.handshakeFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Outcome(tls.applicationProtocol(), tls.engine().getSession().getProtocol());
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            client.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    void stop() throws InterruptedException {
        server.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Failed handshakes are the point of several tests; keep them out of the warning log. */
    private static final class CloseOnError extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
