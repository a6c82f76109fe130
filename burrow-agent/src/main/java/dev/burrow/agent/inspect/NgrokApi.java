package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.transport.JsonAnswer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * ngrok's captured-request routes, beside the inspector's own, so that scripts written for ngrok's agent API work
 * unchanged: {@code GET /api/requests/http} (with {@code limit} and {@code tunnel_name}), {@code GET
 * /api/requests/http/ID}, {@code POST /api/requests/http} to replay ({@code {"id", "tunnel_name"}}) and {@code DELETE
 * /api/requests/http} to forget them all. Shapes are {@link NgrokJson}'s; replay is the agent's own; errors are the
 * inspector's.
 */
final class NgrokApi {
    static final String REQUESTS = "/api/requests/http";
    private static final int DEFAULT_LIMIT = 100;
    private static final Set<String> REPLAY_KEYS = Set.of("id", "tunnel_name");

    private final Agent agent;
    private final NgrokTunnels tunnels;

    NgrokApi(Agent agent) {
        this.agent = agent;
        this.tunnels = new NgrokTunnels(agent);
    }

    /** Whether {@code path} is one of these routes': the list or an item under it. */
    static boolean owns(String path) {
        return path.equals(REQUESTS) || path.startsWith(REQUESTS + "/");
    }

    void route(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        List<String> parts = List.of(query.path().replaceAll("^/+|/+$", "").split("/"));
        HttpMethod method = request.method();
        if (parts.size() == 3 && HttpMethod.GET.equals(method)) {
            list(ctx, request, query);
        } else if (parts.size() == 3 && HttpMethod.POST.equals(method)) {
            replay(ctx, request);
        } else if (parts.size() == 3 && HttpMethod.DELETE.equals(method)) {
            ExchangeLog log = agent.exchangeLog();
            if (log != null) {
                log.clear();
            }
            noContent(ctx, request);
        } else if (parts.size() == 4 && HttpMethod.GET.equals(method)) {
            one(ctx, request, parts.get(3));
        } else {
            InspectorApi.notFound(ctx, request);
        }
    }

    /** Newest first, at most {@code limit}, only those of the tunnel called {@code tunnel_name} if given. */
    private void list(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        int limit = InspectorApi.intParam(query, "limit", DEFAULT_LIMIT);
        String tunnelName = InspectorApi.param(query, "tunnel_name");
        AgentTunnel only = tunnelName == null ? null : tunnels.byName().get(tunnelName);
        if (tunnelName != null && only == null) {
            InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no running tunnel named " + tunnelName));
            return;
        }
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        node.put("uri", REQUESTS);
        ArrayNode list = node.putArray("requests");
        ExchangeLog log = agent.exchangeLog();
        for (CapturedExchange exchange : log == null ? List.<CapturedExchange>of() : log.newestFirst()) {
            if (list.size() >= limit) {
                break;
            }
            ExchangeView view = exchange.view();
            if (only == null || only.url().equals(view.tunnelUrl())) {
                list.add(NgrokJson.request(view, tunnels.nameOf(view.tunnelUrl())));
            }
        }
        InspectorApi.send(ctx, request, HttpResponseStatus.OK, node);
    }

    private void one(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
        CapturedExchange exchange = find(id);
        if (exchange == null) {
            unknown(ctx, request, id);
            return;
        }
        ExchangeView view = exchange.view();
        InspectorApi.send(ctx, request, HttpResponseStatus.OK, NgrokJson.request(view,
                tunnels.nameOf(view.tunnelUrl())));
    }

    /**
     * Sends request {@code id} again, through the tunnel called {@code tunnel_name} if given, else the one it came
     * through; 204 once the upstream answered, as ngrok answers.
     */
    private void replay(ChannelHandlerContext ctx, FullHttpRequest request) {
        String id;
        String tunnelName;
        try {
            JsonNode json = InspectorJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("expected a JSON object with the id of a captured request");
            }
            for (var keys = json.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!REPLAY_KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown key '" + key + "'");
                }
            }
            JsonNode idNode = json.path("id");
            if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
                throw new IllegalArgumentException("'id' must be the id of a captured request, such as \"12\"");
            }
            JsonNode nameNode = json.path("tunnel_name");
            if (!nameNode.isMissingNode() && !nameNode.isNull() && !nameNode.isTextual()) {
                throw new IllegalArgumentException("'tunnel_name' must be the name of a running tunnel");
            }
            id = idNode.asText();
            tunnelName = nameNode.isTextual() ? nameNode.asText() : null;
        } catch (IOException | IllegalArgumentException e) {
            InspectorApi.send(ctx, request, HttpResponseStatus.BAD_REQUEST, InspectorJson.error("bad_request",
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException json ? json.getOriginalMessage()
                            : e.getMessage()));
            return;
        }
        CapturedExchange exchange = find(id);
        if (exchange == null) {
            unknown(ctx, request, id);
            return;
        }
        ReplayEdits edits = ReplayEdits.NONE;
        if (tunnelName != null) {
            AgentTunnel through = tunnels.byName().get(tunnelName);
            if (through == null) {
                InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                        "no running tunnel named " + tunnelName));
                return;
            }
            if (!(through.options() instanceof HttpTunnelOptions)) {
                InspectorApi.send(ctx, request, HttpResponseStatus.BAD_REQUEST, InspectorJson.error("bad_request",
                        "tunnel " + tunnelName + " is not an HTTP tunnel; requests are replayed through HTTP tunnels"));
                return;
            }
            edits = edits.through(through.url());
        }
        request.retain();
        agent.replay(exchange.id(), edits).whenComplete((replayed, error) -> {
            try {
                if (error == null) {
                    noContent(ctx, request);
                } else {
                    InspectorApi.replayFailed(ctx, request, error);
                }
            } finally {
                request.release();
            }
        });
    }

    /** The exchange by its id as these routes write it, or null if the id is malformed or not kept. */
    private CapturedExchange find(String id) {
        ExchangeLog log = agent.exchangeLog();
        Long number = InspectorApi.parseId(id);
        return log == null || number == null ? null : log.find(number).orElse(null);
    }

    private static void unknown(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
        InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                "no captured request " + id));
    }

    /** 204 carries no body, and so no Content-Length either (RFC 9110 §8.6). */
    private static void noContent(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        JsonAnswer.write(ctx, response, HttpUtil.isKeepAlive(request));
    }
}
