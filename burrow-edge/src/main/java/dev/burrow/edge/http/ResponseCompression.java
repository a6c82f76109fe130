package dev.burrow.edge.http;

import dev.burrow.edge.policy.ContentCoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The edge's compression of one response body, as the response phase chose it ({@code compress-response}), for
 * either HTTP version: {@link #start} makes the head say so, then each part of the body is compressed as it passes,
 * so memory stays bounded and the client's pace still paces the agent. The head gets {@code Content-Encoding}, loses
 * {@code Content-Length} (the length is known only at the end: HTTP/1.1 sends chunks) and {@code Accept-Ranges}
 * (ranges would be of the uncompressed form), and a strong {@code ETag} becomes weak, since the bytes differ from
 * those it names.
 *
 * <p>Releases the parts it is given; {@link #close} frees the compressor of a body cut short.
 */
final class ResponseCompression implements AutoCloseable {
    private final BodyDeflater deflater;

    private ResponseCompression(BodyDeflater deflater) {
        this.deflater = deflater;
    }

    /**
     * Starts compressing the response whose head is {@code head} (stripped and shaped), changing the head in place.
     *
     * @param coding what the response phase chose, null for none
     * @param hasBody false when the head ends the response: nothing to compress, and the head stays as it is
     * @return null when the body goes as it is (also when a later rule gave it a {@code Content-Encoding})
     */
    static ResponseCompression start(HttpResponse head, ContentCoding coding, boolean hasBody,
                                     ByteBufAllocator alloc) {
        HttpHeaders headers = head.headers();
        if (coding == null || !hasBody || headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
            return null;
        }
        headers.set(HttpHeaderNames.CONTENT_ENCODING, coding.token());
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.ACCEPT_RANGES);
        String etag = headers.get(HttpHeaderNames.ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            headers.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return new ResponseCompression(new BodyDeflater(coding, alloc));
    }

    /** HTTP/1.1: the part compressed; the last one also ends the compressed body and keeps its trailers. */
    HttpContent encode(HttpContent part) {
        if (part instanceof LastHttpContent last) {
            HttpHeaders trailers = last.trailingHeaders();
            LastHttpContent end = new DefaultLastHttpContent(deflater.encode(last.content(), true));
            end.trailingHeaders().set(trailers);
            return end;
        }
        return new DefaultHttpContent(deflater.encode(part.content(), false));
    }

    /** HTTP/2: the bytes of a DATA frame compressed; with {@code endStream}, followed by the compressed body's end. */
    ByteBuf encode(ByteBuf data, boolean endStream) {
        return deflater.encode(data, endStream);
    }

    /** HTTP/2: the end of the compressed body, to send before the trailers. */
    ByteBuf finish() {
        return deflater.encode(Unpooled.EMPTY_BUFFER, true);
    }

    @Override
    public void close() {
        deflater.close();
    }
}
