package dev.burrow.transport;

import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The small HTML pages the edge and agent answer with when they cannot relay a request. */
public final class ErrorPages {
    private ErrorPages() {
    }

    public static FullHttpResponse page(ByteBufAllocator alloc, HttpResponseStatus status, String code, String title,
                                        String detail) {
        FullHttpResponse response = html(alloc, status, title, detail);
        // The reason for scripts that cannot parse the page; the edge passes the agent's through.
        response.headers().set(Protocol.AGENT_ERROR, code);
        return response;
    }

    /**
     * A permanent redirect to {@code location} (308, so the method and body are kept), with a page that links there
     * for clients that do not follow it.
     */
    public static FullHttpResponse redirect(ByteBufAllocator alloc, String location) {
        String link = escape(location);
        FullHttpResponse response = html(alloc, HttpResponseStatus.PERMANENT_REDIRECT, "Moved to HTTPS",
                "This address is served over HTTPS: <a href=\"" + link + "\">" + link + "</a>");
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }

    private static FullHttpResponse html(ByteBufAllocator alloc, HttpResponseStatus status, String title,
                                         String detail) {
        String html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;color:#222}"
                + "code{background:#eee;padding:0 .2em}</style></head>\n<body><h1>" + escape(title) + "</h1>\n<p>"
                + detail + "</p>\n<p><small>" + status.code() + " &middot; Burrow</small></p></body></html>\n";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, html));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** Escapes text for HTML; every value that came from a request must pass through here. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
