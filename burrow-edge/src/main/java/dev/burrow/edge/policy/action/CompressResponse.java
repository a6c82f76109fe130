package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code compress-response}: the edge compresses the response body for the client with the first of
 * {@code algorithms} (gzip and deflate by default, in that order) that the request's {@code Accept-Encoding} weighs
 * highest. Only a body that may be one, whole and not yet encoded: never a HEAD answer, a 204, 304 or 206 (nor any
 * answer with {@code Content-Range}), one with {@code Content-Encoding}, {@code Content-Length: 0} or
 * {@code Cache-Control: no-transform}, nor gRPC, whose messages carry their own compression and whose clients know no
 * other. Such a response gets {@code Vary: Accept-Encoding} whatever the client
 * accepts, since its form now depends on it; the edge does the rest as the body goes.
 */
final class CompressResponse implements Action {
    private final List<ContentCoding> algorithms = new ArrayList<>();

    CompressResponse(ActionConfig config) throws PolicyException {
        config.only("algorithms");
        if (!config.has("algorithms")) {
            algorithms.addAll(List.of(ContentCoding.GZIP, ContentCoding.DEFLATE));
            return;
        }
        for (String name : config.strings("algorithms")) {
            ContentCoding coding = ContentCoding.of(name.strip());
            if (coding == null) {
                throw config.problem("algorithm '" + name + "' is not one the edge applies (gzip, deflate)");
            }
            if (algorithms.contains(coding)) {
                throw config.problem("algorithm '" + name + "' is listed twice");
            }
            algorithms.add(coding);
        }
        if (algorithms.isEmpty()) {
            throw config.problem("'algorithms' needs at least one of gzip, deflate");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        HttpResponse response = context.response();
        if (HttpMethod.HEAD.equals(context.request().method()) || !hasBodyToEncode(response)) {
            return;
        }
        varyOnAcceptEncoding(response.headers());
        context.encodeBody(AcceptEncoding.choose(
                context.request().headers().getAll(HttpHeaderNames.ACCEPT_ENCODING), algorithms));
        context.changed();
    }

    private static boolean hasBodyToEncode(HttpResponse response) {
        int status = response.status().code();
        HttpHeaders headers = response.headers();
        return status >= 200 && status != 204 && status != 206 && status != 304
                && !headers.contains(HttpHeaderNames.CONTENT_ENCODING)
                && !headers.contains(HttpHeaderNames.CONTENT_RANGE)
                && !"0".equals(headers.get(HttpHeaderNames.CONTENT_LENGTH))
                && !headers.get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT)
                        .startsWith("application/grpc")
                && !headers.containsValue(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_TRANSFORM, true);
    }

    /** Adds {@code Accept-Encoding} to {@code Vary}, in one field with those named, unless named or {@code *}. */
    private static void varyOnAcceptEncoding(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String field : headers.getAll(HttpHeaderNames.VARY)) {
            for (String element : field.split(",")) {
                String name = element.strip();
                if (name.equals("*") || name.toLowerCase(Locale.ROOT).equals("accept-encoding")) {
                    return;
                }
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        named.add("Accept-Encoding");
        headers.set(HttpHeaderNames.VARY, String.join(", ", named));
    }
}
