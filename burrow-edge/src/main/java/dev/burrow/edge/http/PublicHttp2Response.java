package dev.burrow.edge.http;

import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The agent's answer on one public HTTP/2 stream as its client gets it: the head stripped, and shaped through its
 * HTTP/1.1 view only when some phase would see it ({@link ResponseShaping}); the body compressed as it passes when
 * the response phase chose a coding ({@link ResponseCompression}), and that compressed body ended before any
 * trailers. On the public connection's loop.
 *
 * <p>Releases the DATA it is given in place of what it returns; {@link #close} frees a compressor cut short.
 */
final class PublicHttp2Response {
    /** Null when no phase would see or change the head. */
    private final ResponseShaping phase;
    private ResponseCompression compression;

    PublicHttp2Response(ResponseShaping phase) {
        this.phase = phase;
    }

    /** The head the client gets, from the agent's first non-interim head; it may be changed in place. */
    Http2Headers head(TunnelStream client, Http2Headers headers, boolean endStream) {
        if (phase == null) {
            PublicResponseHead.forHttp2Client(headers);
            return headers;
        }
        HttpResponse view = PublicResponseHead.view(client.id(), headers);
        compression = ResponseCompression.start(view, PublicResponseHead.forClient(view, phase), !endStream,
                client.alloc());
        return PublicResponseHead.toHttp2(view);
    }

    /** The bytes of a DATA frame as the client gets them. */
    ByteBuf body(ByteBuf data, boolean endStream) {
        return compression == null ? data : compression.encode(data, endStream);
    }

    /** Before trailers: writes the end of a compressed body, if the body is compressed, counted in {@code inFlight}. */
    void endBody(TunnelStream client, InFlight inFlight) {
        if (compression != null) {
            inFlight.wrote(client.write(compression.finish(), false));
        }
    }

    void close() {
        if (compression != null) {
            compression.close();
        }
    }
}
