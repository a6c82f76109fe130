package dev.burrow.edge.http;

import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetSocketAddress;
import java.util.List;

/** Rules a public HTTP/1.1 request must meet before it is routed, and the headers the edge adds to it. */
final class PublicRequests {
    private PublicRequests() {
    }

    /** A request the edge refuses: the status to answer and why, in words for the page. */
    record Rejection(HttpResponseStatus status, String code, String reason) {
        FullHttpResponse page(ByteBufAllocator alloc) {
            return ErrorPages.page(alloc, status, code, status.reasonPhrase(), ErrorPages.escape(reason));
        }
    }

    /** @return null if the request may be routed, else why not */
    static Rejection check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                        "The request line is longer than this edge accepts.");
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                        "The request headers are larger than this edge accepts.");
            }
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "The request is not valid HTTP/1.1.");
        }
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_host",
                    hosts.isEmpty() ? "The request has no Host header." : "The request has more than one Host header.");
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && (headers.contains(HttpHeaderNames.CONTENT_LENGTH) || !isChunkedOnly(headers))) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_framing",
                    "The request's Transfer-Encoding is not plain chunked, or comes with a Content-Length.");
        }
        return null;
    }

    private static boolean isChunkedOnly(HttpHeaders headers) {
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        return codings.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).trim());
    }

    /** True for a WebSocket upgrade; other upgrades (such as h2c) are stripped, never performed. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** True when the client asked to wait for 100 Continue before sending its body. */
    static boolean expectsContinue(HttpRequest request) {
        return HttpUtil.is100ContinueExpected(request);
    }

    static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /**
     * Sets X-Forwarded-For, -Proto and -Host. Forwarded headers a client sent are replaced, not appended to: no
     * proxy in front of the edge is trusted yet, so a client could otherwise forge its address.
     */
    static void addForwarded(HttpRequest request, InetSocketAddress client) {
        HttpHeaders headers = request.headers();
        headers.set("X-Forwarded-For", client.getAddress().getHostAddress());
        headers.set("X-Forwarded-Proto", "http");
        headers.set("X-Forwarded-Host", headers.get(HttpHeaderNames.HOST));
    }

    static boolean isHttp10(HttpRequest request) {
        return request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }
}
