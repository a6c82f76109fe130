import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A user-space stand-in for {@code tc netem delay}: each accepted connection is joined to a target, and every
 * chunk read on either side reaches the other side {@code delay} ms later, in order, half-close included.
 *
 * <p>A netem queue is not an infinite buffer, and neither is this: each direction admits at most {@code cap}
 * bytes in flight, where a chunk stays in flight from its read until {@code delay} ms after it was written out
 * (the time its acknowledgement would take to come back). While over the cap the source is not read, so a
 * connection through here gets at most cap / (2 * delay), as a TCP connection limited to a window of cap bytes
 * would on a path with that round trip. What it does not model: loss, slow start, congestion control.
 *
 * <p>Arguments: delay-ms cap-bytes listen-port=target-host:port... ; prints "listening PORT" for each route.
 */
public final class DelayLine {
    /** Reads of up to 1 MiB, so a fast connection is not paced by the read size. */
    private static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(4096, 65536, 1 << 20);

    public static void main(String[] args) throws Exception {
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[0]));
        long cap = Long.parseLong(args[1]);
        // Both sides of a connection share one event loop, so a direction's state needs no locking.
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        for (int i = 2; i < args.length; i++) {
            String[] route = args[i].split("[=:]");
            int listen = Integer.parseInt(route[0]);
            String host = route[1];
            int port = Integer.parseInt(route[2]);
            Channel server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel accepted) {
                            join(accepted, host, port, delayNanos, cap);
                        }
                    })
                    .bind("127.0.0.1", listen).sync().channel();
            System.out.println("listening " + ((InetSocketAddress) server.localAddress()).getPort());
        }
    }

    private static void join(SocketChannel accepted, String host, int port, long delayNanos, long cap) {
        new Bootstrap().group(accepted.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(host, port).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        accepted.close();
                        return;
                    }
                    Channel target = f.channel();
                    Pair pair = new Pair(accepted, target);
                    accepted.pipeline().addLast(new Direction(pair, accepted, target, delayNanos, cap));
                    target.pipeline().addLast(new Direction(pair, target, accepted, delayNanos, cap));
                    accepted.config().setAutoRead(true);
                    target.config().setAutoRead(true);
                });
    }

    /** Closes both sides once both directions have delivered their end of stream, or at once on an error. */
    private static final class Pair {
        private final Channel a;
        private final Channel b;
        private int ended;

        Pair(Channel a, Channel b) {
            this.a = a;
            this.b = b;
        }

        void directionEnded() {
            if (++ended == 2) {
                abort();
            }
        }

        void abort() {
            a.close();
            b.close();
        }
    }

    /** One direction: reads from {@code source}, where it is installed, and writes to {@code dest} after the delay. */
    private static final class Direction extends ChannelInboundHandlerAdapter {
        /** Marks the end of stream in the queue, so the FIN is delayed like the data before it. */
        private static final Object EOF = new Object();

        private final Pair pair;
        private final Channel source;
        private final Channel dest;
        private final long delayNanos;
        private final long cap;
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private final ArrayDeque<Long> due = new ArrayDeque<>();
        private long inFlight;

        Direction(Pair pair, Channel source, Channel dest, long delayNanos, long cap) {
            this.pair = pair;
            this.source = source;
            this.dest = dest;
            this.delayNanos = delayNanos;
            this.cap = cap;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            inFlight += bytes.readableBytes();
            if (inFlight >= cap) {
                source.config().setAutoRead(false);
            }
            enqueue(bytes);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                enqueue(EOF);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            queue.forEach(m -> {
                if (m instanceof ByteBuf b) {
                    b.release();
                }
            });
            queue.clear();
            pair.abort();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            pair.abort();
        }

        private void enqueue(Object msg) {
            queue.add(msg);
            due.add(System.nanoTime() + delayNanos);
            if (queue.size() == 1) {
                dest.eventLoop().schedule(this::deliver, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** Writes everything whose time has come, in order, with one flush, and waits for the next. */
        private void deliver() {
            long now = System.nanoTime();
            while (!queue.isEmpty() && due.peek() <= now) {
                Object msg = queue.poll();
                due.poll();
                if (msg == EOF) {
                    dest.flush();
                    ((SocketChannel) dest).shutdownOutput().addListener(f -> pair.directionEnded());
                    continue;
                }
                int size = ((ByteBuf) msg).readableBytes();
                dest.write(msg).addListener(f -> {
                    // The acknowledgement of these bytes takes the return trip before the window opens again.
                    dest.eventLoop().schedule(() -> release(size), delayNanos, TimeUnit.NANOSECONDS);
                });
            }
            dest.flush();
            if (!queue.isEmpty()) {
                dest.eventLoop().schedule(this::deliver, due.peek() - now, TimeUnit.NANOSECONDS);
            }
        }

        private void release(long size) {
            inFlight -= size;
            if (inFlight < cap && source.isActive() && !source.config().isAutoRead()) {
                source.config().setAutoRead(true);
            }
        }
    }
}
