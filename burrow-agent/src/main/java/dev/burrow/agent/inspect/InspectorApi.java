package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.transport.JsonAnswer;
import dev.burrow.transport.StaticAssets;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The inspector's JSON API, in the spirit of ngrok's agent API: the session's status, the tunnels, the captured
 * requests, and replay, with ngrok's own routes for requests beside ours ({@link NgrokApi}); and the agent's figures at {@code /metrics} ({@link AgentMetrics}). Answers only requests
 * addressed to the loopback by name or address, and takes changes only from the inspector's own origin, so that a
 * web page elsewhere cannot reach it through the browser (DNS rebinding, cross-site forms).
 */
@ChannelHandler.Sharable
final class InspectorApi extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final int DEFAULT_LIST_LIMIT = 100;
    /** The page's files: plain HTML, CSS and JavaScript. */
    private static final StaticAssets PAGE = StaticAssets.load("/inspector", Map.of(
            "/", "index.html", "/inspector.css", "inspector.css", "/inspector.js", "inspector.js"));

    private final Agent agent;
    private final LiveUpdates live;
    private final TunnelsEndpoint tunnels;
    private final NgrokApi ngrok;
    private final AgentMetrics metrics;

    InspectorApi(Agent agent, LiveUpdates live) {
        this.agent = agent;
        this.live = live;
        this.tunnels = new TunnelsEndpoint(agent);
        this.ngrok = new NgrokApi(agent);
        this.metrics = new AgentMetrics(agent, agent.exchangeLog());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, InspectorJson.error("bad_request",
                    "the request could not be read"));
            return;
        }
        String host = hostName(request.headers().get(HttpHeaderNames.HOST));
        if (host == null || !LOOPBACK_NAMES.contains(host)) {
            send(ctx, request, HttpResponseStatus.FORBIDDEN, InspectorJson.error("host_not_allowed",
                    "the inspector answers only requests to localhost, 127.0.0.1 or [::1]"));
            return;
        }
        if (!HttpMethod.GET.equals(request.method()) && !sameOrigin(request)) {
            send(ctx, request, HttpResponseStatus.FORBIDDEN, InspectorJson.error("origin_not_allowed",
                    "changes are taken only from the inspector's own page or from clients that send no Origin"));
            return;
        }
        route(ctx, request);
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        boolean get = HttpMethod.GET.equals(request.method());
        boolean post = HttpMethod.POST.equals(request.method());
        StaticAssets.Asset asset = get ? PAGE.find(path) : null;
        if (asset != null) {
            sendAsset(ctx, request, asset);
        } else if (get && path.equals("/api/events") && live != null) {
            live.open(ctx.channel());
        } else if (get && path.equals("/metrics")) {
            JsonAnswer.write(ctx, JsonAnswer.of(HttpResponseStatus.OK,
                    metrics.scrape().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8"),
                    HttpUtil.isKeepAlive(request));
        } else if (get && path.equals("/api/status")) {
            send(ctx, request, HttpResponseStatus.OK, status());
        } else if (get && path.equals("/api/tunnels")) {
            send(ctx, request, HttpResponseStatus.OK, tunnels.list());
        } else if (post && path.equals("/api/tunnels")) {
            tunnels.start(ctx, request);
        } else if (get && parts.size() == 3 && parts.get(0).equals("api") && parts.get(1).equals("tunnels")) {
            tunnels.one(ctx, request, QueryStringDecoder.decodeComponent(parts.get(2)));
        } else if (HttpMethod.DELETE.equals(request.method()) && parts.size() == 3 && parts.get(0).equals("api")
                && parts.get(1).equals("tunnels")) {
            tunnels.stop(ctx, request, QueryStringDecoder.decodeComponent(parts.get(2)));
        } else if (HttpMethod.PUT.equals(request.method()) && parts.size() == 4 && parts.get(0).equals("api")
                && parts.get(1).equals("tunnels") && parts.get(3).equals("policy")) {
            tunnels.replacePolicy(ctx, request, QueryStringDecoder.decodeComponent(parts.get(2)));
        } else if (NgrokApi.owns(path)) {
            ngrok.route(ctx, request, query);
        } else if (get && path.equals("/api/requests")) {
            send(ctx, request, HttpResponseStatus.OK, requests(query));
        } else if (parts.size() >= 3 && parts.get(0).equals("api") && parts.get(1).equals("requests")) {
            Long id = parseId(parts.get(2));
            if (id == null) {
                send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                        "no captured request " + parts.get(2)));
            } else if (get && parts.size() == 3) {
                one(ctx, request, id);
            } else if (post && parts.size() == 4 && parts.get(3).equals("replay")) {
                replay(ctx, request, id);
            } else {
                notFound(ctx, request);
            }
        } else {
            notFound(ctx, request);
        }
    }

    private ObjectNode status() {
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        node.put("connected", agent.isConnected());
        node.put("edge", agent.edgeAddress());
        node.put("edge_id", agent.edgeId());
        node.put("reconnects", agent.reconnects());
        long rtt = agent.rttNanos();
        if (rtt >= 0) {
            node.put("edge_rtt_ms", rtt / 1_000_000.0);
        } else {
            node.putNull("edge_rtt_ms");
        }
        node.put("tunnels", agent.tunnels().size());
        ExchangeLog log = agent.exchangeLog();
        node.put("requests_kept", log == null ? 0 : log.size());
        return node;
    }

    /** Newest first; {@code limit}, and filters on path text ({@code path}) and status ({@code status=404}). */
    private ObjectNode requests(QueryStringDecoder query) {
        int limit = intParam(query, "limit", DEFAULT_LIST_LIMIT);
        String pathText = param(query, "path");
        Integer status = intParam(query, "status", -1) < 0 ? null : intParam(query, "status", -1);
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        ArrayNode list = node.putArray("requests");
        ExchangeLog log = agent.exchangeLog();
        if (log == null) {
            return node;
        }
        for (CapturedExchange exchange : log.newestFirst()) {
            if (list.size() >= limit) {
                break;
            }
            ExchangeView view = exchange.summary();
            if ((pathText == null || (view.uri() != null && view.uri().contains(pathText)))
                    && (status == null || status.equals(view.status()))) {
                list.add(InspectorJson.summary(view));
            }
        }
        return node;
    }

    private void one(ChannelHandlerContext ctx, FullHttpRequest request, long id) {
        ExchangeLog log = agent.exchangeLog();
        CapturedExchange exchange = log == null ? null : log.find(id).orElse(null);
        if (exchange == null) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no captured request " + id));
            return;
        }
        send(ctx, request, HttpResponseStatus.OK, InspectorJson.detail(exchange.view()));
    }

    private void replay(ChannelHandlerContext ctx, FullHttpRequest request, long id) {
        ExchangeLog log = agent.exchangeLog();
        if (log == null || log.find(id).isEmpty()) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no captured request " + id));
            return;
        }
        ReplayEdits edits;
        try {
            edits = edits(request);
        } catch (IllegalArgumentException | IOException e) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, InspectorJson.error("bad_request",
                    "the edits could not be read: " + e.getMessage()));
            return;
        }
        request.retain();
        agent.replay(id, edits).whenComplete((replayed, error) -> {
            try {
                if (error == null) {
                    send(ctx, request, HttpResponseStatus.CREATED, InspectorJson.summary(replayed.view()));
                } else {
                    replayFailed(ctx, request, error);
                }
            } finally {
                request.release();
            }
        });
    }

    /** A replay the agent could not make: 409 with its reason, unwrapped from the future's wrapper. */
    static void replayFailed(ChannelHandlerContext ctx, FullHttpRequest request, Throwable error) {
        Throwable cause = error instanceof AgentException || error.getCause() == null ? error : error.getCause();
        send(ctx, request, HttpResponseStatus.CONFLICT, InspectorJson.error("replay_failed", cause.getMessage()));
    }

    /**
     * The optional JSON body of a replay: {@code method}, {@code uri}, {@code headers} as [name, value] pairs, and
     * {@code body_base64}; each absent part is sent as captured.
     */
    private static ReplayEdits edits(FullHttpRequest request) throws IOException {
        if (!request.content().isReadable()) {
            return ReplayEdits.NONE;
        }
        JsonNode json = InspectorJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        List<Map.Entry<String, String>> headers = null;
        if (json.hasNonNull("headers")) {
            headers = new ArrayList<>();
            for (JsonNode pair : json.get("headers")) {
                if (!pair.isArray() || pair.size() != 2) {
                    throw new IllegalArgumentException("headers must be [name, value] pairs");
                }
                headers.add(Map.entry(pair.get(0).asText(), pair.get(1).asText()));
            }
        }
        byte[] body = json.hasNonNull("body_base64") ? Base64.getDecoder().decode(json.get("body_base64").asText())
                : null;
        return new ReplayEdits(text(json, "method"), text(json, "uri"), headers, body, null);
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static void sendAsset(ChannelHandlerContext ctx, FullHttpRequest request, StaticAssets.Asset asset) {
        FullHttpResponse response = StaticAssets.answer(request, asset);
        // The page loads nothing from elsewhere, and no other page may frame it.
        response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        JsonAnswer.write(ctx, response, HttpUtil.isKeepAlive(request));
    }

    static void notFound(ChannelHandlerContext ctx, FullHttpRequest request) {
        send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                "no such API path: " + request.method() + " " + new QueryStringDecoder(request.uri()).path()));
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                     JsonNode body) {
        byte[] bytes;
        try {
            bytes = InspectorJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JsonAnswer.write(ctx, JsonAnswer.of(status, bytes), HttpUtil.isKeepAlive(request));
    }

    /** The host of a Host header, lower-cased and without its port; null if there is none. */
    private static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? null : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** No Origin (a script, curl), or an Origin on the loopback at the inspector's own port. */
    private static boolean sameOrigin(FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return true;
        }
        try {
            URI uri = URI.create(origin);
            String host = request.headers().get(HttpHeaderNames.HOST);
            return "http".equals(uri.getScheme()) && host != null && uri.getRawAuthority() != null
                    && uri.getRawAuthority().equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String param(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static int intParam(QueryStringDecoder query, String name, int fallback) {
        String value = param(query, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    void close() {
        metrics.close();
        tunnels.close();
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
        ctx.close();
    }
}
