package dev.burrow.edge.http;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.HopByHopHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * What the edge does to the head of an agent's response before a public HTTP/1.1 client sees it: hop-by-hop and
 * protocol headers go (the agent's own error code stays), the body is framed for this client (its Content-Length,
 * chunks, or for an HTTP/1.0 client the connection's end), and Connection says whether the connection stays.
 */
final class PublicResponseHead {
    private PublicResponseHead() {
    }

    /**
     * Prepares {@code response} in place.
     *
     * @param keepAlive whether the client asked to keep the connection
     * @return whether the connection stays open after this response
     */
    static boolean prepare(HttpResponse response, boolean headRequest, boolean http10, boolean keepAlive,
                           boolean draining) {
        HttpHeaders headers = response.headers();
        // The agent's own error code is the one protocol header the client may see (the agent strips any an
        // upstream sets, so it cannot be forged).
        String agentError = headers.get(Protocol.AGENT_ERROR);
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        if (agentError != null) {
            headers.set(Protocol.AGENT_ERROR, agentError);
        }
        int code = response.status().code();
        boolean bodyAllowed = !headRequest && code != 204 && code != 304;
        boolean staysOpen = keepAlive && !draining;
        if (response instanceof FullHttpResponse full) {
            if (bodyAllowed && !HttpUtil.isContentLengthSet(response)) {
                HttpUtil.setContentLength(response, full.content().readableBytes());
            }
        } else if (bodyAllowed && !HttpUtil.isContentLengthSet(response)) {
            if (http10) {
                // An HTTP/1.0 client knows no chunks: the body ends when the connection does.
                staysOpen = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        if (!staysOpen) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return staysOpen;
    }
}
