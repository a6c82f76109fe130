package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a tunnel connection, without a channel of its own: the frames its peer sends go to its one
 * {@link Handler}, and it writes through its connection's {@link StreamMux}. A Netty child channel per stream (a
 * pipeline, a config, a registration, an outbound buffer) cost about a sixth of each side's CPU in profiles; this is
 * what a relay needs of a stream and no more.
 *
 * <p>Its methods may be called from any thread: work for another thread's caller runs as a task on the connection's
 * event loop, in the order called. The handler is told everything on that loop, and after {@link Handler#closed}
 * nothing more. While a stream is not {@linkplain #reading reading}, what its peer sends waits here, bounded by the
 * stream's receive window, which is only returned as the handler takes the bytes.
 */
public final class TunnelStream {
    private static final Logger log = LoggerFactory.getLogger(TunnelStream.class);

    /** What happens to a stream, told on its connection's event loop. */
    public interface Handler {
        /** A HEADERS frame: the first opens the stream's message; a later one with END_STREAM carries trailers. */
        void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream);

        /** A DATA frame's bytes (maybe none, with END_STREAM); they are the handler's to release. */
        void dataRead(TunnelStream stream, ByteBuf data, boolean endStream);

        /** The end of one read of the connection: a handler that gathers what it reads hands it on now. */
        default void readComplete(TunnelStream stream) {
        }

        /** {@link #isWritable()} changed. */
        default void writabilityChanged(TunnelStream stream) {
        }

        /**
         * The stream is closed, the last call its handler gets.
         *
         * @param resetBy the peer's RST_STREAM code, or null if the stream ended both ways, was reset from this side,
         *                or went with its connection
         */
        void closed(TunnelStream stream, Http2Error resetBy);
    }

    /** Opened here, no HEADERS written (the peer does not know it); open (where a peer's starts); closed, told. */
    private enum State { IDLE, OPEN, CLOSED }

    /**
     * Outbound bytes queued (flow control, the socket) above which the stream says it is not writable. Four reads
     * of a bulk source (64 KiB each) fit under it: at 64 KiB every read filled the mark and its flush emptied it,
     * so the source's reading was turned off and on again (two epoll_ctl calls) for every 64 KiB relayed.
     */
    static final int HIGH_WATER_MARK = 256 * 1024;
    /** ...and below which it is writable again. */
    static final int LOW_WATER_MARK = 128 * 1024;

    private final StreamMux mux;
    private final Http2FrameStream frameStream;
    private Handler handler;
    private State state;
    private boolean reading = true;
    /** What the peer sent while the stream was not reading, in order; null when empty. */
    private ArrayDeque<Http2StreamFrame> held;
    /** The codec closed the stream while frames were held: the handler hears of it after them. */
    private boolean closeHeld;
    private Http2Error resetBy;
    /** Listed for a readComplete at the end of the connection's current read. */
    boolean readInBurst;
    private long queuedBytes;
    private volatile boolean writable = true;

    TunnelStream(StreamMux mux, Http2FrameStream frameStream, Handler handler, boolean openedHere) {
        this.mux = mux;
        this.frameStream = frameStream;
        this.handler = handler;
        this.state = openedHere ? State.IDLE : State.OPEN;
    }

    /** The stream's id, or -1 while it is opened here and its first HEADERS was not written. */
    public int id() {
        return frameStream.id();
    }

    public EventLoop eventLoop() {
        return mux.eventLoop();
    }

    public ByteBufAllocator alloc() {
        return mux.alloc();
    }

    /** Hands the stream to another handler, from the next event on; on the event loop. */
    public void handler(Handler next) {
        this.handler = next;
    }

    /** False once closed; exact on the event loop. */
    public boolean isActive() {
        return state != State.CLOSED;
    }

    /** Whether the stream takes more bytes now without queueing beyond its bound; may be read from any thread. */
    public boolean isWritable() {
        return writable;
    }

    /** Writes HEADERS; the first one written opens a stream opened here. Not flushed. */
    public ChannelFuture write(Http2Headers headers, boolean endStream) {
        ChannelPromise promise = mux.newPromise();
        if (eventLoop().inEventLoop()) {
            writeHeaders(headers, endStream, promise);
        } else {
            eventLoop().execute(() -> writeHeaders(headers, endStream, promise));
        }
        return promise;
    }

    /** Writes DATA, taking ownership of {@code data}. Not flushed. */
    public ChannelFuture write(ByteBuf data, boolean endStream) {
        ChannelPromise promise = mux.newPromise();
        if (eventLoop().inEventLoop()) {
            writeData(data, endStream, promise);
        } else {
            eventLoop().execute(() -> writeData(data, endStream, promise));
        }
        return promise;
    }

    /** Sends what was written; many streams' flushes in one loop run become one write to the socket. */
    public void flush() {
        if (eventLoop().inEventLoop()) {
            mux.flush();
        } else {
            eventLoop().execute(mux::flush);
        }
    }

    /** Resets the stream with {@code error} unless it is closed already. */
    public void reset(Http2Error error) {
        if (eventLoop().inEventLoop()) {
            reset0(error);
        } else {
            eventLoop().execute(() -> reset0(error));
        }
    }

    /** Closes the stream: a stream that has not ended both ways is reset with CANCEL, as its peer may still send. */
    public void close() {
        reset(Http2Error.CANCEL);
    }

    /**
     * Lets the handler have what the peer sends ({@code true}), or holds it here ({@code false}), so that the
     * stream's receive window stops the peer.
     */
    public void reading(boolean on) {
        if (eventLoop().inEventLoop()) {
            reading0(on);
        } else {
            eventLoop().execute(() -> reading0(on));
        }
    }

    /** True while the handler takes what the peer sends, false while it is held here; on the event loop. */
    public boolean isReading() {
        return reading;
    }

    /** Widens the stream's receive window by {@code bytes}; on the event loop. */
    public void growWindow(int bytes) {
        if (state == State.OPEN) {
            mux.growWindow(this, bytes);
        }
    }

    Http2FrameStream frameStream() {
        return frameStream;
    }

    private void writeHeaders(Http2Headers headers, boolean endStream, ChannelPromise promise) {
        if (state == State.CLOSED) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        Http2HeadersFrame frame = new DefaultHttp2HeadersFrame(headers, endStream).stream(frameStream);
        if (state == State.OPEN) {
            mux.write(frame, promise);
            return;
        }
        state = State.OPEN;
        promise.addListener(written -> {
            if (!written.isSuccess()) {
                // The connection refused the stream (no stream ids or slots left, GOAWAY, closed).
                closed(null);
            }
        });
        mux.write(frame, promise);
        if (state == State.OPEN && frameStream.id() > 0) {
            mux.register(this);
        }
    }

    private void writeData(ByteBuf data, boolean endStream, ChannelPromise promise) {
        if (state != State.OPEN) {
            data.release();
            promise.setFailure(new ClosedChannelException());
            return;
        }
        int bytes = data.readableBytes();
        if (bytes > 0) {
            queued(bytes);
            promise.addListener(written -> queued(-bytes));
        }
        mux.write(new DefaultHttp2DataFrame(data, endStream).stream(frameStream), promise);
    }

    private void queued(long delta) {
        queuedBytes += delta;
        updateWritability();
    }

    /** The connection's own writability changed, or the queued bytes did. */
    void updateWritability() {
        boolean now = mux.connectionWritable()
                && (writable ? queuedBytes < HIGH_WATER_MARK : queuedBytes < LOW_WATER_MARK);
        if (now != writable) {
            writable = now;
            if (state != State.CLOSED) {
                try {
                    handler.writabilityChanged(this);
                } catch (RuntimeException e) {
                    handlerFailed(e);
                }
            }
        }
    }

    private void reset0(Http2Error error) {
        switch (state) {
            case IDLE -> closed(null);
            case OPEN -> {
                // What the peer sent and the handler did not take is dropped with the stream.
                releaseHeld();
                if (!mux.resetIfOpen(this, error)) {
                    // The stream ended both ways at the codec while frames were held: it closes now, without them.
                    closed(null);
                }
            }
            case CLOSED -> {
            }
        }
    }

    private void reading0(boolean on) {
        if (reading == on) {
            return;
        }
        reading = on;
        if (on && held != null) {
            while (reading && state != State.CLOSED && held != null && !held.isEmpty()) {
                deliver(held.poll());
            }
            if (held != null && held.isEmpty()) {
                held = null;
                if (closeHeld) {
                    closed(resetBy);
                }
            }
            if (state != State.CLOSED) {
                tellReadComplete();
            }
            mux.flush();
        }
    }

    /** A HEADERS or DATA frame from the peer, which this stream now owns. */
    void frameRead(Http2StreamFrame frame) {
        if (state == State.CLOSED) {
            release(frame);
        } else if (!reading || held != null) {
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(frame);
        } else {
            deliver(frame);
        }
    }

    private void deliver(Http2StreamFrame frame) {
        try {
            if (frame instanceof Http2DataFrame data) {
                int flowControlled = data.initialFlowControlledBytes();
                try {
                    handler.dataRead(this, data.content(), data.isEndStream());
                } finally {
                    mux.consumed(this, flowControlled);
                }
            } else if (frame instanceof Http2HeadersFrame headers) {
                handler.headersRead(this, headers.headers(), headers.isEndStream());
            }
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
    }

    private void tellReadComplete() {
        try {
            handler.readComplete(this);
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
    }

    /**
     * A handler threw: its stream is reset, as a child channel's pipeline would close it, and the connection with
     * every other stream goes on.
     */
    private void handlerFailed(RuntimeException e) {
        log.atWarn().setCause(e).addKeyValue("stream", this)
                .log("a stream's handler failed: the stream is reset, its connection goes on");
        reset0(Http2Error.INTERNAL_ERROR);
    }

    void readComplete() {
        readInBurst = false;
        // Also when the stream stopped reading in this burst and holds its later frames: the handler may have
        // gathered the earlier ones (a relay's unflushed writes), and it must hand them on now.
        if (state != State.CLOSED) {
            tellReadComplete();
        }
    }

    void resetReceived(Http2Error error) {
        resetBy = error;
    }

    /** The codec closed the stream: its handler hears of it now, or after the frames held for it, unless reset. */
    void codecClosed() {
        if (held != null && resetBy == null) {
            closeHeld = true;
            return;
        }
        closed(resetBy);
    }

    /** The connection closed: the stream closes now, and what it held for its handler is dropped. */
    void connectionClosed() {
        closed(null);
    }

    private void closed(Http2Error reset) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        releaseHeld();
        mux.unregister(this);
        try {
            handler.closed(this, reset);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("stream", this).log("a stream's handler failed on its close");
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(TunnelStream::release);
            held = null;
        }
    }

    private static void release(Http2StreamFrame frame) {
        if (frame instanceof Http2DataFrame data) {
            data.release();
        }
    }

    @Override
    public String toString() {
        return "stream " + id() + " of " + mux;
    }
}
