package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;

/**
 * Joins a socket and a tunnel stream into one byte pipe, the relay of TCP and TLS tunnels on both sides: what one
 * end reads is written to the other, each end reads only while the other can take more, and an end of input (a FIN,
 * an END_STREAM) is carried across as the other's end of output, after every byte before it. A half-closed pipe
 * keeps relaying the other way; the socket closes once both ends were carried across. A reset stream resets the
 * socket at once, and a socket that fails resets the stream, once the bytes it sent before its end have gone.
 * The socket runs on the stream's event loop, so neither end ever waits on another thread.
 *
 * <p>The socket must allow half-closure and start with auto-read off. HEADERS that reach the stream's end are
 * dropped: the stream's kind was decided before it was joined.
 */
public final class TunnelPipe implements TunnelStream.Handler {
    /**
     * How far one direction of the pipe has come: open; its source ended and the end is on its way after the bytes
     * before it; the end was written, so the destination has every byte and knows there are no more.
     */
    private enum Flow { OPEN, ENDING, ENDED }

    private final DuplexChannel socket;
    private final TunnelStream stream;
    private final PausedStreams pacing;
    private Flow toStream = Flow.OPEN;
    private Flow toSocket = Flow.OPEN;
    /** The stream's END_STREAM write, once the socket's input ended. */
    private ChannelFuture streamEndWritten;
    /** Bytes went to the socket in this read of the stream's connection, not flushed yet. */
    private boolean socketDirty;

    private TunnelPipe(DuplexChannel socket, TunnelStream stream, PausedStreams pacing) {
        this.socket = socket;
        this.stream = stream;
        this.pacing = pacing;
    }

    /** Starts relaying, on the stream's event loop; the socket may already hold bytes, which flow at once. */
    public static void join(DuplexChannel socket, TunnelStream stream, PausedStreams pacing) {
        if (socket.eventLoop() != stream.eventLoop()) {
            throw new IllegalArgumentException("socket and stream must share an event loop");
        }
        TunnelPipe pipe = new TunnelPipe(socket, stream, pacing);
        stream.handler(pipe);
        socket.pipeline().addLast("pipe", pipe.new SocketEnd());
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

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        if (endStream) {
            streamInputEnded();
        }
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (data.isReadable() && socket.isActive()) {
            socket.write(data);
            socketDirty = true;
        } else {
            data.release();
        }
        if (endStream) {
            flushSocket();
            streamInputEnded();
        }
    }

    @Override
    public void readComplete(TunnelStream stream) {
        flushSocket();
    }

    private void flushSocket() {
        if (socketDirty) {
            socketDirty = false;
            socket.flush();
        }
    }

    @Override
    public void writabilityChanged(TunnelStream stream) {
        // A socket whose input ended is never asked to read again: epoll fails that read and closes the socket.
        if (toStream == Flow.OPEN) {
            socket.config().setAutoRead(stream.isWritable());
        }
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        if (toSocket != Flow.OPEN) {
            // The peer ended its side before the stream closed: the socket closes once what it was given has gone
            // out.
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            // A reset: the upstream refused or failed, or the peer went away. The socket is cut at once, with a
            // reset of its own (RFC 9113 section 8.5): a plain end would pass for the far side's clean close.
            ConnectionClose.reset(socket);
        }
    }

    /** The socket said it sends no more: the stream ends its side too, after what was written to it. */
    private void socketInputEnded() {
        toStream = Flow.ENDING;
        streamEndWritten = stream.write(Unpooled.EMPTY_BUFFER, true);
        stream.flush();
        streamEndWritten.addListener(written -> {
            if (written.isSuccess()) {
                toStream = Flow.ENDED;
                closeIfBothEnded();
            }
        });
    }

    /** The stream's peer sent no more: the socket's output ends once what was written has gone out. */
    private void streamInputEnded() {
        if (toSocket != Flow.OPEN) {
            return;
        }
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

    /** The socket's end: what it reads goes to the stream, flushed once per read burst. */
    private final class SocketEnd extends ChannelInboundHandlerAdapter {
        private boolean streamDirty;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && stream.isActive()) {
                stream.write(bytes, false);
                streamDirty = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushStream();
        }

        private void flushStream() {
            if (streamDirty) {
                streamDirty = false;
                stream.flush();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && toStream == Flow.OPEN) {
                flushStream();
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
                streamEndWritten.addListener(written -> stream.close());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
