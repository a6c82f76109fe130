package dev.burrow.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The answers of the local JSON APIs (the agent's inspector, the edge's admin listener): a whole body with its
 * length, never cached, on a connection kept open only if the request's was.
 */
public final class JsonAnswer {
    private JsonAnswer() {
    }

    /** An answer carrying {@code body}, of {@code contentType}. */
    public static FullHttpResponse of(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    /** A JSON answer. */
    public static FullHttpResponse of(HttpResponseStatus status, byte[] json) {
        return of(status, json, "application/json; charset=utf-8");
    }

    /** Writes {@code response}, then closes the connection unless {@code keepAlive}; from any thread. */
    public static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
