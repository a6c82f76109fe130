package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burrow.store.StoreException;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.JsonAnswer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's last handler: finds each request's {@link AdminRoute}, reads its JSON body, has the endpoint
 * answer (store calls run on the edge's store thread, never here), and writes the answer. Every refusal, whether this
 * handler's or an endpoint's, goes through one path: {@code {"error": {"code", "message"}}} with its status (400 bad
 * input, 404 unknown path or thing, 405 wrong method, 409 conflict, 414/431 request too long, 415 not JSON, 503 the
 * store failed). Calls under {@code /api/} are audited with their answer's status and the caller the gate named (but
 * for a dashboard's reads, see {@link AdminCall}).
 *
 * <p>Releases the request of every {@link AdminCall} it reads, once it has read it: a body is read before any store
 * call.
 */
@ChannelHandler.Sharable
final class AdminApi extends SimpleChannelInboundHandler<AdminCall> {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final List<AdminRoute> routes;
    private final AuditLog audit;

    AdminApi(List<AdminRoute> routes, AuditLog audit) {
        super(false);
        this.routes = List.copyOf(routes);
        this.audit = audit;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AdminCall gated) {
        try {
            route(ctx, gated);
        } finally {
            gated.request().release();
        }
    }

    private void route(ChannelHandlerContext ctx, AdminCall gated) {
        FullHttpRequest request = gated.request();
        if (request.decoderResult().isFailure()) {
            refuseUnreadable(ctx, request.decoderResult().cause());
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> segments = Arrays.asList(uri.path().substring(1).split("/", -1));
        Set<String> allowed = new LinkedHashSet<>();
        for (AdminRoute route : routes) {
            List<String> params = route.match(segments);
            if (params == null) {
                continue;
            }
            if (!route.method().equals(request.method())) {
                allowed.add(route.method().name());
                continue;
            }
            List<String> decoded = new ArrayList<>(params.size());
            params.forEach(p -> decoded.add(QueryStringDecoder.decodeComponent(p)));
            call(ctx, route, gated, new AdminRequest(decoded, uri.parameters(), null,
                    ClientAddress.of(ctx.channel())), keepAlive);
            return;
        }
        ApiError refusal = allowed.isEmpty()
                ? ApiError.notFound("not_found", "no such API path: " + request.method() + " " + uri.path())
                : new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                        request.method() + " is not allowed here; allowed: " + String.join(", ", allowed));
        FullHttpResponse answer = errorAnswer(refusal);
        if (!allowed.isEmpty()) {
            answer.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
        }
        JsonAnswer.write(ctx, answer, keepAlive);
    }

    private void call(ChannelHandlerContext ctx, AdminRoute route, AdminCall gated, AdminRequest call,
                      boolean keepAlive) {
        CompletionStage<AdminAnswer> answer;
        try {
            answer = route.endpoint().apply(withBody(gated.request(), call));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((done, error) -> {
            FullHttpResponse response = error == null ? response(done) : errorAnswer(error);
            if (route.action() != null && (gated.readsAudited() || !route.method().equals(HttpMethod.GET))) {
                audit.adminCall(gated.actor(), call.remote(), route.action(),
                        call.params().isEmpty() ? null : call.param(0), response.status().code());
            }
            JsonAnswer.write(ctx, response, keepAlive);
        });
    }

    /** The request with its body read as JSON, if it has one. */
    private static AdminRequest withBody(FullHttpRequest request, AdminRequest call) {
        JsonNode body = jsonBody(request);
        return body == null ? call : new AdminRequest(call.params(), call.query(), body, call.remote());
    }

    /** The request's body read as JSON, or null if it has none; a body must say it is JSON. */
    static JsonNode jsonBody(FullHttpRequest request) {
        if (!request.content().isReadable()) {
            return null;
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !HttpUtil.getMimeType(type).toString().equalsIgnoreCase("application/json")) {
            throw new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "the body must be JSON, sent as Content-Type: application/json");
        }
        try {
            return AdminJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static FullHttpResponse response(AdminAnswer answer) {
        if (answer.text() != null) {
            return JsonAnswer.of(answer.status(), answer.text().getBytes(StandardCharsets.UTF_8),
                    "text/plain; version=0.0.4; charset=utf-8");
        }
        return JsonAnswer.of(answer.status(), AdminJson.bytes(answer.json()));
    }

    /** The one path of every refusal. */
    static FullHttpResponse errorAnswer(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiError refusal) {
            return JsonAnswer.of(refusal.status(), AdminJson.bytes(AdminJson.error(refusal.code(),
                    refusal.getMessage())));
        }
        if (cause instanceof StoreException) {
            log.atWarn().log("admin API: the store failed: {}", cause.getMessage());
            return JsonAnswer.of(HttpResponseStatus.SERVICE_UNAVAILABLE, AdminJson.bytes(AdminJson.error(
                    "store_unavailable", "the store failed: " + cause.getMessage())));
        }
        log.atError().setCause(cause).log("admin API call failed");
        return JsonAnswer.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, AdminJson.bytes(AdminJson.error("internal",
                "the edge failed to answer: " + cause)));
    }

    /** A request the decoder could not read whole: answered, then the connection closes, out of step as it is. */
    private static void refuseUnreadable(ChannelHandlerContext ctx, Throwable cause) {
        ApiError refusal;
        if (cause instanceof TooLongHttpLineException) {
            refusal = new ApiError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "the request line is too long");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            refusal = new ApiError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request's headers are too large");
        } else {
            refusal = ApiError.badRequest("the request could not be read: " + cause.getMessage());
        }
        FullHttpResponse answer = errorAnswer(refusal);
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        JsonAnswer.write(ctx, answer, false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).log("admin connection failed: {}",
                cause.toString());
        ctx.close();
    }
}
