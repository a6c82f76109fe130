package dev.burrow.edge.admin;

import dev.burrow.transport.ConnectionClose;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * Reads each request of the admin listener whole, up to {@code maxBytes} of body: a larger one (by its
 * Content-Length, or as it arrives) is answered 413 in the API's error format, and the connection closes, since
 * what is left of the body would be read as the next request. It closes lingering ({@link ConnectionClose}): the
 * client is likely still sending, and a socket closed on unread bytes answers with a reset that can destroy the 413
 * before the client reads it.
 */
final class AdminBodyLimit extends HttpObjectAggregator {
    /** How long the rest of a refused body is read and dropped, at most, before the connection closes. */
    private static final Duration LINGER = Duration.ofSeconds(5);

    AdminBodyLimit(int maxBytes) {
        super(maxBytes, true);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse response
                && response.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            ReferenceCountUtil.release(answer);
            return tooLarge(maxContentLength);
        }
        return answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // The aggregator releases the message itself.
        ctx.writeAndFlush(tooLarge(maxContentLength()));
        ConnectionClose.lingering(ctx.channel(), LINGER);
    }

    private static FullHttpResponse tooLarge(int maxBytes) {
        FullHttpResponse answer = AdminApi.errorAnswer(new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large", "the request body is larger than " + maxBytes + " bytes"));
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return answer;
    }
}
