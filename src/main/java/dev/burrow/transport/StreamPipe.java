package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Joins a socket and a tunnel stream into one byte pipe, the relay of TCP and TLS tunnels on both sides: what one
 * end reads is written to the other, each end reads only while the other can take more, an end of input (a FIN, an
 * END_STREAM) is carried across as the other's end of output, and either end failing or closing closes the other.
 * Both channels run on one event loop, so neither end ever waits on another thread.
 *
 * <p>The socket must allow half-closure and start with auto-read off; the stream's pipeline must end with a
 * {@link StreamBytesCodec}. Frames other than DATA that reach the stream's end (its HEADERS) are dropped.
 */
public final class StreamPipe {
    private final DuplexChannel socket;
    private final Channel stream;
    private final PausedStreams pacing;
    private boolean socketInputEnded;
    private boolean streamInputEnded;

    private StreamPipe(DuplexChannel socket, Channel stream, PausedStreams pacing) {
        this.socket = socket;
        this.stream = stream;
        this.pacing = pacing;
    }

    /** Starts relaying; either channel may already hold bytes, which flow as soon as this returns. */
    public static void join(DuplexChannel socket, Channel stream, PausedStreams pacing) {
        if (socket.eventLoop() != stream.eventLoop()) {
            throw new IllegalArgumentException("socket and stream must share an event loop");
        }
        StreamPipe pipe = new StreamPipe(socket, stream, pacing);
        socket.pipeline().addLast("pipe", pipe.new SocketEnd());
        stream.pipeline().addLast("pipe", pipe.new StreamEnd());
        if (!socket.isActive()) {
            stream.close();
            return;
        }
        if (!stream.isActive()) {
            socket.close();
            return;
        }
        socket.config().setAutoRead(stream.isWritable());
        pacing.pace(stream, socket.isWritable());
    }

    /** The socket said it sends no more: the stream ends its side too. */
    private void socketInputEnded() {
        socketInputEnded = true;
        stream.writeAndFlush(StreamBytesCodec.endOfStream());
        closeIfBothEnded();
    }

    /** The stream's peer sent no more: the socket's output ends once what was written has gone out. */
    private void streamInputEnded() {
        streamInputEnded = true;
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (written.isSuccess()) {
                socket.shutdownOutput();
            }
        });
        closeIfBothEnded();
    }

    private void closeIfBothEnded() {
        if (socketInputEnded && streamInputEnded) {
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One end: what it reads goes to the other end, flushed once per read burst. */
    private abstract static class End extends ChannelInboundHandlerAdapter {
        private final Channel other;
        private boolean dirty;

        End(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && other.isActive()) {
                other.write(bytes);
                dirty = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushOther();
        }

        void flushOther() {
            if (dirty) {
                dirty = false;
                other.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private final class SocketEnd extends End {
        SocketEnd() {
            super(stream);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && !socketInputEnded) {
                flushOther();
                socketInputEnded();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pacing.pace(stream, ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // After both ends ended cleanly the stream is closed already; otherwise this resets it.
            stream.close();
            ctx.fireChannelInactive();
        }
    }

    private final class StreamEnd extends End {
        StreamEnd() {
            super(socket);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == StreamBytesCodec.INPUT_SHUTDOWN && !streamInputEnded) {
                streamInputEnded();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            socket.config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (streamInputEnded) {
                // Both directions ended cleanly: the socket closes once what it was given has gone out.
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                // A reset: the upstream refused or failed, or the peer went away. The socket is cut at once.
                socket.close();
            }
            ctx.fireChannelInactive();
        }
    }
}
