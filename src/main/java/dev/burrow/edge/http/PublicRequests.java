package dev.burrow.edge.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** Rules a public HTTP/1.1 request must meet before it is routed, and the headers the edge adds to it. */
final class PublicRequests {
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    /** The scheme public clients use to reach the edge's HTTP listener. */
    private static final String PROTO = "http";

    private PublicRequests() {
    }

    /** A request the edge refuses: the status to answer and why, in words for the page. */
    record Rejection(HttpResponseStatus status, String code, String reason) {
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
     * Sets X-Forwarded-For, -Proto and -Host, and with {@code forwardedHeader} an RFC 7239 Forwarded header. From a
     * trusted proxy the ones it sent are kept: the client is appended to its X-Forwarded-For and Forwarded lists,
     * and its X-Forwarded-Proto and -Host stand. From any other client they are dropped first (Forwarded too, asked
     * for or not), so that no client can forge its address.
     */
    static void addForwarded(HttpRequest request, InetSocketAddress client, boolean fromTrustedProxy,
                             boolean forwardedHeader) {
        HttpHeaders headers = request.headers();
        String ip = NetUtil.toAddressString(client.getAddress());
        String host = headers.get(HttpHeaderNames.HOST);
        if (fromTrustedProxy) {
            headers.set(X_FORWARDED_FOR, appended(headers.getAll(X_FORWARDED_FOR), ip));
            if (!headers.contains(X_FORWARDED_PROTO)) {
                headers.set(X_FORWARDED_PROTO, PROTO);
            }
            if (!headers.contains(X_FORWARDED_HOST)) {
                headers.set(X_FORWARDED_HOST, host);
            }
        } else {
            headers.set(X_FORWARDED_FOR, ip);
            headers.set(X_FORWARDED_PROTO, PROTO);
            headers.set(X_FORWARDED_HOST, host);
            headers.remove(FORWARDED);
        }
        if (forwardedHeader) {
            String element = "for=" + forwardedNode(client) + ";proto=" + PROTO + ";host=" + forwardedValue(host);
            headers.set(FORWARDED, appended(headers.getAll(FORWARDED), element));
        }
    }

    /** A comma-separated list: the non-blank values already sent, in order, then {@code last}. */
    private static String appended(List<String> earlier, String last) {
        StringBuilder list = new StringBuilder();
        for (String value : earlier) {
            if (!value.isBlank()) {
                list.append(value.strip()).append(", ");
            }
        }
        return list.append(last).toString();
    }

    /** The client as an RFC 7239 node: an IPv4 address bare, an IPv6 one bracketed and quoted. */
    private static String forwardedNode(InetSocketAddress client) {
        InetAddress address = client.getAddress();
        return address instanceof Inet6Address ? "\"[" + NetUtil.toAddressString(address) + "]\""
                : NetUtil.toAddressString(address);
    }

    /** A Forwarded parameter value: as it is if it is a token, else a quoted string (a host with a port is not). */
    private static String forwardedValue(String value) {
        if (!value.isEmpty() && value.chars().allMatch(PublicRequests::isTokenChar)) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static boolean isHttp10(HttpRequest request) {
        return request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }
}
