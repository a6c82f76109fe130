import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The floor of bench/run: the least that moving bytes through a Java process costs. Each argument LISTEN=TARGET
 * (two loopback ports) forwards every connection accepted on LISTEN to one new connection to TARGET, on the same
 * event loop, reading one side only when the other has taken the last read: no parsing, no TLS, no HTTP/2.
 * bench/run chains two of these processes, as a tunnel chains its edge and agent.
 *
 * <p>Run with Burrow's jar on the class path, which carries Netty: {@code java -cp burrow.jar Floor.java 9000=9001}.
 */
public final class Floor {
    public static void main(String[] args) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        for (String pair : args) {
            int listen = Integer.parseInt(pair.substring(0, pair.indexOf('=')));
            int target = Integer.parseInt(pair.substring(pair.indexOf('=') + 1));
            new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel inbound) {
                            inbound.pipeline().addLast(new Accepted(target, epoll));
                        }
                    })
                    .bind("127.0.0.1", listen).sync();
        }
        System.out.println("floor listening");
        group.terminationFuture().sync();
    }

    /** The accepted side: dials the target on its own loop, then relays. */
    private static final class Accepted extends ChannelInboundHandlerAdapter {
        private final int target;
        private final boolean epoll;

        Accepted(int target, boolean epoll) {
            this.target = target;
            this.epoll = epoll;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            new Bootstrap().group(inbound.eventLoop())
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay(inbound))
                    .connect("127.0.0.1", target)
                    .addListener((ChannelFutureListener) connected -> {
                        if (connected.isSuccess()) {
                            ctx.pipeline().replace(this, "relay", new Relay(connected.channel()));
                            inbound.read();
                            connected.channel().read();
                        } else {
                            inbound.close();
                        }
                    });
        }
    }

    /** Writes what one side reads to the other and reads again once that write is done. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    written.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
