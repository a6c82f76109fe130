package dev.burrow.edge.http;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.HopByHopHeaders;
import dev.burrow.transport.HostPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Rules a public request must meet before it is routed, and what the edge makes of it for the tunnel's stream
 * ({@link #prepareForTunnel}). An HTTP/2 request is checked for what HTTP/2 itself leaves open, then seen through an
 * HTTP/1.1 view ({@link #asHttpRequest}), so that routing, the policy phases and the header rules are the same for
 * both versions.
 */
final class PublicRequests {
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private PublicRequests() {
    }

    /** A request body whose chunked framing broke. */
    static final Rejection BAD_FRAMING = new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_framing",
            "The request body's chunked framing is not valid.");
    /** A request body that came too slowly ({@link RequestBodyTimeout}). */
    static final Rejection BODY_TIMEOUT = new Rejection(HttpResponseStatus.REQUEST_TIMEOUT, "body_timeout",
            "The request body did not arrive in time.");

    /** A request the edge refuses: the status to answer and why, in words for the page. */
    record Rejection(HttpResponseStatus status, String code, String reason) {
        FullHttpResponse page(ByteBufAllocator alloc) {
            return ErrorPages.page(alloc, status, code, status.reasonPhrase(), ErrorPages.escape(reason));
        }
    }

    /**
     * Checks a public HTTP/1.1 request, and brings it to the form the edge relays: its target in origin form
     * ({@link RequestTarget}), an HTTP/1.0 request's expectation dropped.
     *
     * @return null if the request may be routed, else why not
     */
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
        if (request.protocolVersion().majorVersion() != 1) {
            // A higher minor version (HTTP/1.2) is served as HTTP/1.1, as RFC 9110 section 2.5 has it.
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "version_not_supported",
                    "This edge speaks HTTP/1.1, and HTTP/2 on a connection that opens with its preface.");
        }
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_host",
                    hosts.isEmpty() ? "The request has no Host header." : "The request has more than one Host header.");
        }
        Rejection target = RequestTarget.normalize(request);
        if (target != null) {
            return target;
        }
        if (!meetsExpectation(request)) {
            return new Rejection(HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed",
                    "The only expectation this edge meets is 100-continue.");
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && (headers.contains(HttpHeaderNames.CONTENT_LENGTH) || !isChunkedOnly(headers))) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_framing",
                    "The request's Transfer-Encoding is not plain chunked, or comes with a Content-Length.");
        }
        return null;
    }

    /**
     * Checks what the HTTP/2 codec leaves to the application: a method and path the edge can relay, and one host,
     * from {@code :authority} or a {@code host} field that agrees with it (RFC 9113, section 8.3.1). The path is the
     * target's path and query, never a whole URI: an absolute one would reach the upstream naming a host of the
     * client's choosing.
     *
     * @return null if the request may be routed, else why not
     */
    static Rejection check(Http2Headers headers) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        if (method == null || path == null || path.length() == 0 || !isValidMethod(method)
                || HttpMethod.CONNECT.asciiName().contentEquals(method)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "The request is not an HTTP/2 request this edge relays.");
        }
        boolean asterisk = AsciiString.contentEquals(path, "*")
                && HttpMethod.OPTIONS.asciiName().contentEquals(method);
        if (!(path.charAt(0) == '/' || asterisk) || !RequestTarget.isVisibleAscii(path)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_target",
                    "The request's :path is not a path (with its query) of visible US-ASCII characters.");
        }
        List<CharSequence> hosts = headers.getAll(HttpHeaderNames.HOST);
        CharSequence authority = headers.authority();
        boolean agree = authority != null
                ? hosts.isEmpty() || (hosts.size() == 1 && AsciiString.contentEqualsIgnoreCase(authority, hosts.get(0)))
                : hosts.size() == 1;
        if (!agree) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "bad_host",
                    "The request has no :authority or Host, several Host fields, or a Host that differs from it.");
        }
        return null;
    }

    /**
     * True unless the request expects more than 100-continue (RFC 9110, section 10.1.1). An HTTP/1.0 request's
     * expectation is ignored, so it is dropped here: the upstream hears HTTP/1.1 and would act on it.
     */
    private static boolean meetsExpectation(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (isHttp10(request)) {
            headers.remove(HttpHeaderNames.EXPECT);
            return true;
        }
        for (String value : headers.getAll(HttpHeaderNames.EXPECT)) {
            for (String expectation : value.split(",", -1)) {
                if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expectation.trim())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isValidMethod(CharSequence method) {
        try {
            HttpMethod.valueOf(method.toString());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The HTTP/1.1 view of an HTTP/2 request that passed {@link #check(Http2Headers)}: {@code Host} from
     * {@code :authority}, cookie fields joined, the client's {@code :scheme} kept as Netty's scheme extension header.
     * Takes the {@code host} field out of {@code headers}, since {@code :authority} says the same.
     */
    static HttpRequest asHttpRequest(int streamId, Http2Headers headers) {
        if (headers.authority() != null) {
            headers.remove(HttpHeaderNames.HOST);
        }
        try {
            return HttpConversionUtil.toHttpRequest(streamId, headers, false);
        } catch (Http2Exception e) {
            throw new IllegalStateException("a checked request failed to convert", e);
        }
    }

    /**
     * The HEADERS the edge sends the agent for an HTTP/2 request, from its view once {@link #prepareForTunnel
     * prepared}: the view's headers, lower-cased, behind the pseudo-header fields.
     */
    static Http2Headers toStreamHeaders(HttpRequest request, CharSequence scheme) {
        Http2Headers out = new DefaultHttp2Headers()
                .method(request.method().asciiName())
                .path(request.uri())
                .scheme(scheme)
                .authority(request.headers().get(HttpHeaderNames.HOST));
        HttpConversionUtil.toHttp2Headers(request.headers(), out);
        return out;
    }

    private static boolean isChunkedOnly(HttpHeaders headers) {
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        return codings.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).trim());
    }

    /**
     * Strips the trailer fields that end a chunked request body as its header fields were stripped: hop-by-hop ones
     * and the protocol's own, which no client may send in either section.
     */
    static void stripTrailers(HttpContent content) {
        if (content instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
            HopByHopHeaders.strip(last.trailingHeaders());
            HopByHopHeaders.stripInternal(last.trailingHeaders());
        }
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
     * Makes a routed request what its tunnel stream carries, whatever its HTTP version (an HTTP/2 request in its
     * HTTP/1.1 view): the client's hop-by-hop fields go (its protocol fields went at routing, {@link PublicRouting}),
     * the forwarding fields are set, and the stream's own fields name its kind, its tunnel and its client.
     *
     * @param upgrade the protocol of the WebSocket upgrade the stream carries, or null for a plain exchange
     */
    static void prepareForTunnel(HttpRequest request, Tunnel tunnel, InetSocketAddress client,
                                 PublicConnection connection, List<Cidr> trustedProxies, String upgrade) {
        HttpHeaders headers = request.headers();
        HopByHopHeaders.strip(headers);
        addForwarded(request, client, connection, Cidr.anyContains(trustedProxies, client.getAddress()),
                tunnel instanceof HttpTunnel http && http.forwardedHeader());
        headers.set(Protocol.STREAM_KIND, (upgrade != null ? StreamKind.UPGRADE : StreamKind.HTTP).wireName())
                .set(Protocol.TUNNEL_ID, tunnel.id())
                .set(Protocol.CLIENT_ADDR, HostPort.of(client).toString());
        if (upgrade != null) {
            headers.set(Protocol.UPGRADE, upgrade);
            if (!hasBody(request)) {
                // What follows the request on its stream is the new protocol's bytes, and an HTTP/2 peer holds DATA
                // to the content-length it was told: the "Content-Length: 0" some clients send (the JDK's own
                // WebSocket client) would have the agent reset the stream at the first message.
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
        }
    }

    /**
     * Sets X-Forwarded-For, -Proto and -Host, and with {@code forwardedHeader} an RFC 7239 Forwarded header. From a
     * trusted proxy the ones it sent are kept: the client is appended to its X-Forwarded-For and Forwarded lists,
     * and its X-Forwarded-Proto and -Host stand. From any other client they are dropped first (Forwarded too, asked
     * for or not), so that no client can forge its address.
     */
    static void addForwarded(HttpRequest request, InetSocketAddress client, PublicConnection connection,
                             boolean fromTrustedProxy, boolean forwardedHeader) {
        HttpHeaders headers = request.headers();
        String ip = NetUtil.toAddressString(client.getAddress());
        String host = headers.get(HttpHeaderNames.HOST);
        if (fromTrustedProxy) {
            headers.set(X_FORWARDED_FOR, appended(headers.getAll(X_FORWARDED_FOR), ip));
            if (!headers.contains(X_FORWARDED_PROTO)) {
                headers.set(X_FORWARDED_PROTO, connection.scheme());
            }
            if (!headers.contains(X_FORWARDED_HOST)) {
                headers.set(X_FORWARDED_HOST, host);
            }
        } else {
            headers.set(X_FORWARDED_FOR, ip);
            headers.set(X_FORWARDED_PROTO, connection.scheme());
            headers.set(X_FORWARDED_HOST, host);
            headers.remove(FORWARDED);
        }
        if (forwardedHeader) {
            String element = "for=" + forwardedNode(client) + ";proto=" + connection.scheme() + ";host=" + forwardedValue(host);
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
