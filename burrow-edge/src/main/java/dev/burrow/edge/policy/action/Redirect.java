package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * {@code redirect}: answers {@code status_code} (302 by default; 301, 303, 307, 308 allowed) with a {@code Location}
 * made from {@code to}; with {@code from}, only requests whose target matches, and {@code to} may use its groups.
 */
final class Redirect implements Action {
    private final HttpResponseStatus status;
    private final TargetPattern pattern;

    Redirect(ActionConfig config) throws PolicyException {
        config.only("from", "to", "status_code");
        int code = config.integer("status_code", 302, 300, 308);
        if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
            throw config.problem("'status_code' must be 301, 302, 303, 307 or 308");
        }
        status = HttpResponseStatus.valueOf(code);
        pattern = TargetPattern.of(config, false);
    }

    @Override
    public void apply(PolicyContext context) {
        String location = pattern.apply(context.request().uri());
        if (location == null) {
            return;
        }
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                // A group copied from the target cannot hold these (the edge refused such targets); 'to' could.
                throw new dev.burrow.edge.policy.PolicyEvaluationException("redirect made a Location that is not"
                        + " a URL: " + location);
            }
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        context.answer(response);
    }
}
