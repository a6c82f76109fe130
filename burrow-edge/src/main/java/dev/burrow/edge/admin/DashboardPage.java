package dev.burrow.edge.admin;

import dev.burrow.transport.JsonAnswer;
import dev.burrow.transport.StaticAssets;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;

/**
 * The operator's dashboard page at {@code /} and its files under {@code /ui/}, from the jar, to anyone: they hold no
 * data, which the page asks the API for once its operator has logged in ({@link OperatorLogin}). Each answer forbids
 * what the page never does: loading anything from elsewhere, inline script or style, being framed, sending a
 * referrer.
 *
 * <p>Releases the requests it answers; passes on every other one.
 */
@ChannelHandler.Sharable
final class DashboardPage extends ChannelInboundHandlerAdapter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'; object-src 'none'";
    /** A file of the page is one more line here. */
    private static final StaticAssets FILES = StaticAssets.load("/dashboard", Map.of(
            "/", "index.html",
            "/ui/dashboard.css", "dashboard.css",
            "/ui/dashboard.js", "dashboard.js",
            "/ui/api.js", "api.js",
            "/ui/sections.js", "sections.js",
            "/ui/tables.js", "tables.js",
            "/ui/format.js", "format.js"));

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        StaticAssets.Asset asset = msg instanceof FullHttpRequest request && request.decoderResult().isSuccess()
                && request.method().equals(HttpMethod.GET) ? FILES.find(new QueryStringDecoder(request.uri()).path())
                : null;
        if (asset == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        FullHttpResponse answer = StaticAssets.answer(request, asset);
        request.release();
        answer.headers()
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("Referrer-Policy", "no-referrer");
        JsonAnswer.write(ctx, answer, keepAlive);
    }
}
