package dev.burrow.agent.inspect;

import dev.burrow.protocol.Protocol;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Watches one HTTP tunnel stream on the agent, in front of whatever relays it, and records the exchange in the
 * inspector's log: request headers and body as they come from the edge, the answer as it goes back. It sees the
 * stream's own frames, so it records the same whichever protocol the upstream speaks; it changes nothing.
 */
public final class ExchangeCapture extends ChannelDuplexHandler {
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

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame frame && exchange == null) {
            Http2Headers headers = frame.headers();
            exchange = log.start(new CapturedExchange.Request(tunnelUrl, text(headers.get(Protocol.CLIENT_ADDR)), null,
                    text(headers.method()), text(headers.path()), text(headers.authority()), ordinary(headers)));
        } else if (msg instanceof Http2DataFrame data && exchange != null) {
            if (fromClient != null) {
                fromClient.feed(data.content(), frame -> exchange.recordFrame(true, frame));
            } else {
                exchange.recordRequestBody(data.content());
            }
        } else if (msg instanceof Http2ResetFrame && exchange != null) {
            exchange.end(CapturedExchange.State.RESET);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (exchange != null) {
            if (msg instanceof Http2HeadersFrame frame) {
                CharSequence status = frame.headers().status();
                boolean upgraded = frame.headers().contains(Protocol.UPGRADED);
                if (upgraded) {
                    // The tunnel carries a switch as 200 with burrow-upgraded; the client saw 101.
                    exchange.responseStarted(HttpResponseStatus.SWITCHING_PROTOCOLS.code(), ordinary(frame.headers()));
                } else if (status != null && status.length() == 3 && status.charAt(0) != '1') {
                    // Interim answers (100 Continue) are not the answer; trailers carry no status.
                    exchange.responseStarted(Integer.parseInt(status.toString()), ordinary(frame.headers()));
                }
                if (upgraded) {
                    exchange.upgraded();
                    fromClient = new WebSocketFrameReader(FRAME_PREVIEW);
                    toClient = new WebSocketFrameReader(FRAME_PREVIEW);
                }
                if (frame.isEndStream()) {
                    exchange.end(CapturedExchange.State.COMPLETE);
                }
            } else if (msg instanceof Http2DataFrame data) {
                if (toClient != null) {
                    toClient.feed(data.content(), frame -> exchange.recordFrame(false, frame));
                } else {
                    exchange.recordResponseBody(data.content());
                }
                if (data.isEndStream()) {
                    exchange.end(CapturedExchange.State.COMPLETE);
                }
            } else if (msg instanceof Http2ResetFrame) {
                exchange.end(CapturedExchange.State.RESET);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            // Closed without an ending answer: a reset, or the connection went.
            exchange.end(CapturedExchange.State.RESET);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame && exchange != null) {
            exchange.end(CapturedExchange.State.RESET);
        }
        ctx.fireUserEventTriggered(evt);
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
