package dev.burrow.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * What a public HTTP/1.1 request's own fields say about its relay, read once from the request as the client sent it,
 * before the edge or a policy changes any field: how its body is framed, whether it upgrades, what its client takes
 * back.
 *
 * @param keepAlive the client asked to keep the connection
 * @param http10 the client speaks HTTP/1.0 (no chunks; keep-alive only when asked)
 * @param head a HEAD request: its answer has no body
 * @param hasBody the request has a body, by its framing
 * @param upgrade the protocol of a WebSocket upgrade, or null
 * @param expectsContinue the client waits for 100 Continue before it sends its body
 */
record RequestTraits(boolean keepAlive, boolean http10, boolean head, boolean hasBody, String upgrade,
                     boolean expectsContinue) {
    /** For a connection's answers when no request could be read. */
    static final RequestTraits NONE = new RequestTraits(false, false, false, false, null, false);

    /** Reads a request as decoded; one the decoder failed on has no body the edge would read. */
    static RequestTraits of(HttpRequest request) {
        boolean upgrade = PublicRequests.isWebSocketUpgrade(request);
        return new RequestTraits(HttpUtil.isKeepAlive(request), PublicRequests.isHttp10(request),
                HttpMethod.HEAD.equals(request.method()),
                request.decoderResult().isSuccess() && PublicRequests.hasBody(request),
                upgrade ? request.headers().get(HttpHeaderNames.UPGRADE) : null,
                PublicRequests.expectsContinue(request));
    }

    /** Sent as one HEADERS frame that ends the stream: no body, and no upgrade that keeps the stream open. */
    boolean bodyless() {
        return upgrade == null && !hasBody;
    }
}
