package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Joins a socket and a tunnel stream into one byte pipe, the relay of TCP and TLS tunnels on both sides: what one
 * end reads is written to the other, each end reads only while the other can take more, and an end of input (a FIN,
 * an END_STREAM) is carried across as the other's end of output, after every byte before it. A half-closed pipe
 * keeps relaying the other way; the socket closes once both ends were carried across. A reset stream resets the
 * socket at once, and a socket that fails resets the stream, once the bytes it sent before its end have gone.
 * Both channels run on one event loop, so neither end ever waits on another thread.
 *
 * <p>The socket must allow half-closure and start with auto-read off; the stream's pipeline must end with a
 * {@link StreamBytesCodec}. Frames other than DATA that reach the stream's end (its HEADERS) are dropped.
 */
public final class StreamPipe {
    /**
     * How far one direction of the pipe has come: open; its source ended and the end is on its way after the bytes
     * before it; the end was written, so the destination has every byte and knows there are no more.
     */
    private enum Flow { OPEN, ENDING, ENDED }

    private final DuplexChannel socket;
    private final Channel stream;
    private final PausedStreams pacing;
    private Flow toStream = Flow.OPEN;
    private Flow toSocket = Flow.OPEN;
    /** The stream's END_STREAM write, once the socket's input ended. */
    private ChannelFuture streamEndWritten;

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
        if (socket.isInputShutdown()) {
            // Its end came while the stream opened, with the bytes that wait there.
            pipe.socketInputEnded();
        } else {
            socket.config().setAutoRead(stream.isWritable());
        }
        pacing.pace(stream, socket.isWritable());
    }

    /** The socket said it sends no more: the stream ends its side too, after what was written to it. */
    private void socketInputEnded() {
        toStream = Flow.ENDING;
        streamEndWritten = stream.writeAndFlush(StreamBytesCodec.endOfStream());
        streamEndWritten.addListener(written -> {
            if (written.isSuccess()) {
                toStream = Flow.ENDED;
                closeIfBothEnded();
            }
        });
    }

    /** The stream's peer sent no more: the socket's output ends once what was written has gone out. */
    private void streamInputEnded() {
        toSocket = Flow.ENDING;
        // Shutting the output down fails what is still queued, so it waits until that has gone out.
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (written.isSuccess()) {
                socket.shutdownOutput().addListener(shut -> {
                    if (shut.isSuccess()) {
                        toSocket = Flow.ENDED;
                        closeIfBothEnded();
                    }
                });
            }
        });
    }

    /** Both ends were carried across and written: nothing is left to relay either way. */
    private void closeIfBothEnded() {
        if (toStream == Flow.ENDED && toSocket == Flow.ENDED) {
            socket.close();
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
            if (evt instanceof ChannelInputShutdownEvent && toStream == Flow.OPEN) {
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
            if (streamEndWritten == null) {
                // The socket failed or was cut before its end: the stream is reset.
                stream.close();
            } else {
                // What the socket sent, and its end, still reach the peer; a stream that then still expects bytes
                // for the socket is reset, one that ended both ways is closed already.
                streamEndWritten.addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireChannelInactive();
        }
    }

    private final class StreamEnd extends End {
        StreamEnd() {
            super(socket);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == StreamBytesCodec.INPUT_SHUTDOWN && toSocket == Flow.OPEN) {
                streamInputEnded();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // A socket whose input ended is never asked to read again: epoll fails that read and closes the socket.
            if (toStream == Flow.OPEN) {
                socket.config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (toSocket != Flow.OPEN) {
                // The peer ended its side before the stream closed: the socket closes once what it was given has
                // gone out.
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                // A reset: the upstream refused or failed, or the peer went away. The socket is cut at once, with a
                // reset of its own (RFC 9113 section 8.5): a plain end would pass for the far side's clean close.
                ConnectionClose.reset(socket);
            }
            ctx.fireChannelInactive();
        }
    }
}
