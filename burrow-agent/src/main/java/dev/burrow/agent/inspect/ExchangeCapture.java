package dev.burrow.agent.inspect;

import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records one HTTP tunnel stream on the agent in the inspector's log: request headers and body as they come from the
 * edge, the answer as it goes back. The stream's exchange tells it what it reads from the stream and what it writes
 * there, before it acts on it, so it records the stream's own frames whichever protocol the upstream speaks (an
 * HTTP/1.1 answer part as the frames it is written as). It changes nothing and keeps no buffer. Used on the stream's
 * event loop.
 */
public final class ExchangeCapture {
    /** Payload bytes kept of each WebSocket frame. */
    private static final int FRAME_PREVIEW = 1024;

    private final ExchangeLog log;
    private final String tunnelUrl;
    private CapturedExchange exchange;
    /** Both directions' frame readers, once the upstream switched to WebSocket. */
    private WebSocketFrameReader fromClient;
    private WebSocketFrameReader toClient;

    /**
     * @param tunnelUrl the public URL of the stream's tunnel, or null if the agent holds no HTTP tunnel by the id the
     *                  edge sent
     */
    public ExchangeCapture(ExchangeLog log, String tunnelUrl) {
        this.log = log;
        this.tunnelUrl = tunnelUrl;
    }

    /** A HEADERS frame read from the stream: the first is the request's; trailers add nothing. */
    public void requestHeaders(Http2Headers headers) {
        if (exchange == null) {
            exchange = log.start(new CapturedExchange.Request(tunnelUrl, text(headers.get(Protocol.CLIENT_ADDR)), null,
                    text(headers.method()), text(headers.path()), text(headers.authority()), ordinary(headers),
                    headers.getAll(Protocol.POLICY_RULES).stream().map(CharSequence::toString).toList()));
        }
    }

    /** A DATA frame's bytes read from the stream; they stay the caller's. */
    public void requestData(ByteBuf data) {
        if (exchange == null) {
            return;
        }
        if (fromClient != null) {
            fromClient.feed(data, frame -> exchange.recordFrame(true, frame));
        } else {
            exchange.recordRequestBody(data);
        }
    }

    /** A HEADERS frame about to be written to the stream: the answer's head, an interim answer, or trailers. */
    public void responseHeaders(Http2Headers headers, boolean endStream) {
        if (exchange == null) {
            return;
        }
        CharSequence status = headers.status();
        boolean upgraded = headers.contains(Protocol.UPGRADED);
        if (upgraded) {
            // The tunnel carries a switch as 200 with burrow-upgraded; the client saw 101.
            exchange.responseStarted(HttpResponseStatus.SWITCHING_PROTOCOLS.code(), ordinary(headers));
            exchange.upgraded();
            fromClient = new WebSocketFrameReader(FRAME_PREVIEW);
            toClient = new WebSocketFrameReader(FRAME_PREVIEW);
        } else if (status != null && status.length() == 3 && status.charAt(0) != '1') {
            // Interim answers (100 Continue) are not the answer; trailers carry no status.
            CharSequence agentError = headers.get(Protocol.AGENT_ERROR);
            if (agentError != null) {
                exchange.answeredByAgent(agentError.toString());
            }
            exchange.responseStarted(Integer.parseInt(status.toString()), ordinary(headers));
        }
        if (endStream) {
            exchange.end(CapturedExchange.State.COMPLETE);
        }
    }

    /** A DATA frame's bytes about to be written to the stream; they stay the caller's. */
    public void responseData(ByteBuf data, boolean endStream) {
        if (exchange == null) {
            return;
        }
        if (toClient != null) {
            toClient.feed(data, frame -> exchange.recordFrame(false, frame));
        } else {
            exchange.recordResponseBody(data);
        }
        if (endStream) {
            exchange.end(CapturedExchange.State.COMPLETE);
        }
    }

    /** A part of an HTTP/1.1 answer about to be written to the stream, recorded as the frames it becomes. */
    public void response(HttpObject part) {
        if (exchange == null) {
            return;
        }
        if (part instanceof HttpResponse head) {
            responseHeaders(HttpConversionUtil.toHttp2Headers(head, false), false);
        }
        if (part instanceof HttpContent content) {
            responseData(content.content(), part instanceof LastHttpContent);
        }
    }

    /** The stream closed: without an ending answer, it was reset, or its connection went. */
    public void closed() {
        if (exchange != null) {
            exchange.end(CapturedExchange.State.RESET);
        }
    }

    /** Headers as the user sent or got them: without pseudo-headers and Burrow's own. */
    private static List<Map.Entry<String, String>> ordinary(Http2Headers headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>(headers.size());
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            String name = header.getKey().toString();
            if (!name.startsWith(":") && !name.startsWith(Protocol.RESERVED_HEADER_PREFIX)) {
                list.add(Map.entry(name, header.getValue().toString()));
            }
        }
        return list;
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }
}
