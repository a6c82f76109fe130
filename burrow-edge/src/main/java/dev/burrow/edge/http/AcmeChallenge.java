package dev.burrow.edge.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The edge's side of ACME HTTP-01 (RFC 8555 §8.3): the CA fetches a token's key authorization over plain HTTP. */
final class AcmeChallenge {
    private static final String PREFIX = "/.well-known/acme-challenge/";

    private AcmeChallenge() {
    }

    /** The token a request asks for, or null if it is not a challenge request. */
    static String token(HttpRequest request) {
        String uri = request.uri();
        if (!HttpMethod.GET.equals(request.method()) || !uri.startsWith(PREFIX) || uri.length() == PREFIX.length()) {
            return null;
        }
        return uri.substring(PREFIX.length());
    }

    static FullHttpResponse answer(ByteBufAllocator alloc, String keyAuthorization) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ByteBufUtil.writeAscii(alloc, keyAuthorization));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }
}
