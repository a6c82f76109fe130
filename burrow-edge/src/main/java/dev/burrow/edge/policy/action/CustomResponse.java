package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code custom-response}: answers at the edge with {@code status_code} (200 by default), {@code headers} and
 * {@code body} ({@code content} is read too, ngrok's older name); plain text unless the headers say otherwise.
 */
final class CustomResponse implements Action {
    /** The body is held once per policy and copied per answer: bounded so a policy cannot pin much memory. */
    static final int MAX_BODY = 16 * 1024;

    private final HttpResponseStatus status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final byte[] body;

    CustomResponse(ActionConfig config) throws PolicyException {
        config.only("status_code", "headers", "body", "content");
        status = HttpResponseStatus.valueOf(config.integer("status_code", 200, 200, 599));
        for (Map.Entry<String, String> field : config.map("headers").entrySet()) {
            String name = HeaderFields.name(config, field.getKey());
            headers.put(name, HeaderFields.value(config, name, field.getValue()));
        }
        body = config.string("body", config.string("content", "")).getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_BODY) {
            throw config.problem("the body is over " + MAX_BODY + " bytes");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body).copy());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.forEach((name, value) -> response.headers().set(name, value));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        context.answer(response);
    }
}
