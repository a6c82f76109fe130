package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** What went wrong in an {@link UpstreamExchange}, as the agent's error page says it when the answer has not begun. */
enum ExchangeFailure {
    /** The connection holds no HTTP tunnel by the id the edge sent: it was closed after the stream opened. */
    UNKNOWN_TUNNEL(HttpResponseStatus.BAD_GATEWAY, ErrorCode.BAD_MESSAGE, "Unknown tunnel"),
    /** The upstream refused, could not be reached, or failed TLS. */
    UNREACHABLE(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_UNREACHABLE, "Bad Gateway"),
    /** The upstream did not begin its answer within the response timeout. */
    TIMED_OUT(HttpResponseStatus.GATEWAY_TIMEOUT, ErrorCode.UPSTREAM_TIMEOUT, "Gateway Timeout"),
    /** The upstream closed, reset, or answered with something that is not HTTP. */
    BROKEN(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UPSTREAM_PROTOCOL, "Bad Gateway");

    private final HttpResponseStatus status;
    private final ErrorCode code;
    private final String title;

    ExchangeFailure(HttpResponseStatus status, ErrorCode code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    int status() {
        return status.code();
    }

    /**
     * The agent's page for this failure, which carries its code in {@code Protocol.AGENT_ERROR} for the edge to pass
     * on; {@code detail} is HTML, every value in it from a request escaped.
     */
    FullHttpResponse page(ByteBufAllocator alloc, String detail) {
        return ErrorPages.page(alloc, status, code.wireName(), title, detail);
    }
}
