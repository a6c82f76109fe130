package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket whose peer ended its side keeps writing whatever it is given, however often the kernel's buffer fills:
 * the epoll transport must go on watching it for writability (see {@link HalfClosedSockets}).
 */
class HalfClosedSocketsTest {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 128;

    private final EventLoops loops = EventLoops.create(1);
    /** Counted down once the server tried to hand the whole answer to the kernel, which cannot take it all. */
    private final CountDownLatch answerQueued = new CountDownLatch(1);
    private Channel server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        loops.close();
    }

    @Test
    void afterThePeersFinAnAnswerLargerThanTheKernelTakesArrivesWhole() throws Exception {
        assumeTrue(loops.isEpoll(), "the defect is the epoll transport's");
        server = new ServerBootstrap().group(loops.group()).channel(loops.serverChannelType())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        HalfClosedSockets.keepWatched(ch);
                        ch.pipeline().addLast(new AnswerAfterFin(answerQueued));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(16 * 1024);
            client.connect((InetSocketAddress) server.localAddress(), 5_000);
            client.setSoTimeout(10_000);
            client.shutdownOutput();
            // Reading only once the kernel's buffers are full makes the server wait to be told it may write again.
            assertThat(answerQueued.await(10, TimeUnit.SECONDS)).isTrue();
            long received = 0;
            InputStream in = client.getInputStream();
            byte[] buf = new byte[8 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                received += n;
            }
            assertThat(received).isEqualTo((long) CHUNK * CHUNKS);
        }
    }

    /**
     * Once the peer's FIN is in, writes the whole answer at once, more than the kernel's buffers take, so the socket
     * must be watched for writability to finish it; then ends its output.
     */
    private static final class AnswerAfterFin extends ChannelInboundHandlerAdapter {
        private final CountDownLatch queued;

        AnswerAfterFin(CountDownLatch queued) {
            this.queued = queued;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // Netty settles the socket's epoll events after this event returns: the answer goes after that.
                ctx.executor().execute(() -> answer(ctx));
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void answer(ChannelHandlerContext ctx) {
            for (int i = 0; i < CHUNKS; i++) {
                ctx.write(Unpooled.wrappedBuffer(new byte[CHUNK]));
            }
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ((DuplexChannel) ctx.channel()).shutdownOutput();
                } else {
                    ctx.close();
                }
            });
            queued.countDown();
        }
    }
}
