package dev.burrow.protocol;

import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * One side's end of the control stream, the same on both sides: the stream's bytes are lines of at most
 * {@link Protocol#MAX_CONTROL_MESSAGE} bytes, each one JSON {@link ControlMessage}. Messages read go to its
 * {@link Listener}; {@link #send} writes and flushes one. Event loop of the stream's connection only.
 */
public final class ControlLink implements TunnelStream.Handler {
    /** What the control stream brings, in the order it comes. */
    public interface Listener {
        /** The stream's HEADERS: its opening, or, with {@code endStream}, its peer ending it. */
        default void headersRead(ControlLink link, Http2Headers headers, boolean endStream) {
        }

        void messageRead(ControlLink link, ControlMessage message);

        /**
         * A line could not be read (too long, not a message): the stream is out of step, nothing more is read from
         * it.
         */
        void unreadable(ControlLink link, DecoderException cause);

        /** The stream closed. */
        void closed(ControlLink link, Http2Error resetBy);
    }

    private final TunnelStream stream;
    private final Listener listener;
    /** Bytes of a line not complete yet. */
    private CompositeByteBuf partial;
    private boolean unreadable;

    private ControlLink(TunnelStream stream, Listener listener) {
        this.stream = stream;
        this.listener = listener;
    }

    /** Makes {@code stream} the control stream, read by {@code listener} from its next frame on. */
    public static ControlLink of(TunnelStream stream, Listener listener) {
        ControlLink link = new ControlLink(stream, listener);
        stream.handler(link);
        return link;
    }

    public TunnelStream stream() {
        return stream;
    }

    /** Writes {@code message} as one line and flushes it; from any thread. */
    public ChannelFuture send(ControlMessage message) {
        ChannelFuture written = stream.write(ControlCodec.encode(message, stream.alloc()), false);
        stream.flush();
        return written;
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        listener.headersRead(this, headers, endStream);
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        if (unreadable) {
            data.release();
            return;
        }
        if (partial == null) {
            partial = stream.alloc().compositeBuffer();
        }
        partial.addComponent(true, data);
        int newline;
        // A message may close the stream, which releases what is held: then nothing more is read.
        while (!unreadable && partial != null && (newline = partial.indexOf(partial.readerIndex(),
                partial.writerIndex(), (byte) '\n')) >= 0) {
            int length = newline - partial.readerIndex();
            if (length > Protocol.MAX_CONTROL_MESSAGE) {
                failed(new TooLongFrameException("control line of " + length + " bytes, more than "
                        + Protocol.MAX_CONTROL_MESSAGE));
                return;
            }
            // A line may end with CR LF.
            boolean crlf = length > 0 && partial.getByte(newline - 1) == '\r';
            ByteBuf line = partial.readSlice(crlf ? length - 1 : length);
            partial.skipBytes(crlf ? 2 : 1);
            ControlMessage message;
            try {
                message = ControlCodec.parse(line);
            } catch (DecoderException e) {
                failed(e);
                return;
            }
            listener.messageRead(this, message);
        }
        if (partial == null) {
            return;
        }
        if (partial.readableBytes() > Protocol.MAX_CONTROL_MESSAGE) {
            failed(new TooLongFrameException("control line longer than " + Protocol.MAX_CONTROL_MESSAGE
                    + " bytes"));
            return;
        }
        if (partial.isReadable()) {
            partial.discardReadComponents();
        } else {
            // Only whole lines came: nothing is held while the stream idles, which it mostly does, and which its
            // connection may end without closing its streams (an event loop shut down under it).
            releasePartial();
        }
    }

    private void failed(DecoderException cause) {
        unreadable = true;
        releasePartial();
        listener.unreadable(this, cause);
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        releasePartial();
        listener.closed(this, resetBy);
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
