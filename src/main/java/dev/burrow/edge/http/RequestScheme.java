package dev.burrow.edge.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2HeadersFrame;

/**
 * Gives a tunnel stream's request HEADERS the public request's {@code :scheme}. The HTTP/2 codec in front of it would
 * take the scheme of the agent connection, which is always TLS, so a plain public request would pass for https.
 * Passes every message on.
 */
@ChannelHandler.Sharable
final class RequestScheme extends ChannelOutboundHandlerAdapter {
    private static final RequestScheme HTTP = new RequestScheme("http");
    private static final RequestScheme HTTPS = new RequestScheme("https");

    private final String scheme;

    private RequestScheme(String scheme) {
        this.scheme = scheme;
    }

    static RequestScheme of(PublicConnection connection) {
        return connection.tls() ? HTTPS : HTTP;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Trailers are HEADERS too, but carry no :method.
        if (msg instanceof Http2HeadersFrame frame && frame.headers().method() != null) {
            frame.headers().scheme(scheme);
        }
        ctx.write(msg, promise);
    }
}
