package dev.burrow.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * A message's body framing fields as the edge received them. A policy phase may change any other field, but not how
 * the body that follows is delimited: the edge reads and relays the body by these, so they are put back after it.
 */
record BodyFraming(List<String> contentLength, List<String> transferEncoding) {
    static BodyFraming of(HttpHeaders headers) {
        return new BodyFraming(headers.getAll(HttpHeaderNames.CONTENT_LENGTH),
                headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
    }

    void restore(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, transferEncoding);
    }
}
