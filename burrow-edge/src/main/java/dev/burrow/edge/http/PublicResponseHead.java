package dev.burrow.edge.http;

import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.protocol.Protocol;
import dev.burrow.transport.HopByHopHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edge does to the head of an agent's response before a public client sees it. Whatever the client's HTTP
 * version ({@link #forClient}): hop-by-hop and protocol fields go, except the agent's own error code, and the
 * response phase may change the rest. An HTTP/2 head is shaped in its HTTP/1.1 view ({@link #view}, then
 * {@link #toHttp2}), as requests are, so one set of rules serves both versions. For an HTTP/1.1 client then ({@link #frame}): the body is framed for this client (its
 * Content-Length, chunks, or for an HTTP/1.0 client the connection's end), and Connection says whether the connection
 * stays; a WebSocket switch gets its own 101 ({@link #switching}).
 */
final class PublicResponseHead {
    private static final Logger log = LoggerFactory.getLogger(PublicResponseHead.class);

    private PublicResponseHead() {
    }

    /**
     * Makes an agent's response head what a public client may see, in place: stripped, then changed by the response
     * phase ({@code phase}, null for none), whose changes to the body's framing are undone. A phase that throws is
     * logged and the head goes as the edge stripped it.
     *
     * @return the coding the phase chose for the body ({@link ResponseCompression}), or null for none
     */
    static ContentCoding forClient(HttpResponse response, ResponseShaping phase) {
        strip(response.headers());
        if (phase == null) {
            return null;
        }
        BodyFraming framing = BodyFraming.of(response.headers());
        ContentCoding coding = null;
        try {
            coding = phase.shape(response);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("response phase failed; the response goes as the agent sent it");
        }
        framing.restore(response.headers());
        return coding;
    }

    /**
     * Makes an agent's HTTP/2 response head what a public HTTP/2 client may see, in place, when no response phase
     * would change it: the same fields go as in {@link #forClient}, without the round trip through the HTTP/1.1
     * view that a phase needs.
     */
    static void forHttp2Client(Http2Headers headers) {
        CharSequence agentError = headers.get(Protocol.AGENT_ERROR);
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        if (agentError != null) {
            headers.set(Protocol.AGENT_ERROR, agentError);
        }
    }

    private static void strip(HttpHeaders headers) {
        // The agent's own error code is the one protocol header the client may see (the agent strips any an
        // upstream sets, so it cannot be forged).
        String agentError = headers.get(Protocol.AGENT_ERROR);
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        if (agentError != null) {
            headers.set(Protocol.AGENT_ERROR, agentError);
        }
    }

    /**
     * Frames a response that went through {@link #forClient} for an HTTP/1.1 client, in place.
     *
     * @return whether the connection stays open after this response
     */
    static boolean frame(HttpResponse response, RequestTraits request, boolean draining) {
        int code = response.status().code();
        boolean bodyAllowed = !request.head() && code != 204 && code != 304;
        boolean staysOpen = request.keepAlive() && !draining;
        if (response instanceof FullHttpResponse full) {
            if (bodyAllowed && !HttpUtil.isContentLengthSet(response)) {
                HttpUtil.setContentLength(response, full.content().readableBytes());
            }
        } else if (bodyAllowed && !HttpUtil.isContentLengthSet(response)) {
            if (request.http10()) {
                // An HTTP/1.0 client knows no chunks: the body ends when the connection does.
                staysOpen = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        if (!staysOpen) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.http10()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return staysOpen;
    }

    /** The 101 an HTTP/1.1 client gets when the agent confirmed its WebSocket upgrade to {@code protocol}. */
    static HttpResponse switching(HttpResponse agentResponse, String protocol) {
        HttpResponse switched = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switched.headers().set(agentResponse.headers());
        strip(switched.headers());
        switched.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        switched.headers()
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, protocol);
        return switched;
    }

    /** The HTTP/1.1 view of an agent's HTTP/2 response head, whose {@code :status} {@link AgentResponseCheck} passed. */
    static HttpResponse view(int streamId, Http2Headers headers) {
        HttpResponse view;
        try {
            view = HttpConversionUtil.toHttpResponse(streamId, headers, false);
        } catch (Http2Exception e) {
            throw new IllegalStateException("a checked response head failed to convert", e);
        }
        // Netty's conversion drops Trailer, an end-to-end field (see HttpFrames): the client must still learn
        // which trailer fields to expect.
        for (CharSequence declared : headers.getAll(HttpHeaderNames.TRAILER)) {
            view.headers().add(HttpHeaderNames.TRAILER, declared);
        }
        return view;
    }

    /** The HTTP/2 head an HTTP/2 client gets from a shaped view: its status and fields, lower-cased. */
    static Http2Headers toHttp2(HttpResponse view) {
        return HttpConversionUtil.toHttp2Headers(view, false);
    }
}
