package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.transport.HttpFrames;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * A tunnel stream as an {@link UpstreamExchange} uses it: the answer's parts go out as frames, flushed once per read
 * rather than per part, and the inspector's {@link ExchangeCapture}, when it records, is told of every frame the
 * exchange reads and writes before the exchange acts on it. Used on the stream's event loop.
 */
final class ExchangeStream {
    private final TunnelStream stream;
    /** Null when the inspector records nothing. */
    private final ExchangeCapture capture;
    /** Written but not yet flushed. */
    private boolean dirty;

    ExchangeStream(TunnelStream stream, ExchangeCapture capture) {
        this.stream = stream;
        this.capture = capture;
    }

    TunnelStream stream() {
        return stream;
    }

    /** A HEADERS frame the edge sent, before the exchange takes it. */
    void requestRead(Http2Headers headers) {
        if (capture != null) {
            capture.requestHeaders(headers);
        }
    }

    /** A DATA frame's bytes the edge sent, before the exchange takes them. */
    void requestRead(ByteBuf data) {
        if (capture != null) {
            capture.requestData(data);
        }
    }

    /** Writes an HTTP/1.1 part of the answer as its frames, taking ownership of it. */
    void write(HttpObject part) {
        if (capture != null) {
            capture.response(part);
        }
        HttpFrames.write(stream, part, null);
        dirty = true;
    }

    void write(Http2Headers headers, boolean endStream) {
        if (capture != null) {
            capture.responseHeaders(headers, endStream);
        }
        stream.write(headers, endStream);
        dirty = true;
    }

    /** Writes DATA, taking ownership of {@code data}. */
    void write(ByteBuf data, boolean endStream) {
        if (capture != null) {
            capture.responseData(data, endStream);
        }
        stream.write(data, endStream);
        dirty = true;
    }

    /** Sends what was written since the last flush. */
    void flush() {
        if (dirty) {
            dirty = false;
            stream.flush();
        }
    }

    /** The stream closed: its record ends, reset unless its answer ended. */
    void closed() {
        if (capture != null) {
            capture.closed();
        }
    }
}
