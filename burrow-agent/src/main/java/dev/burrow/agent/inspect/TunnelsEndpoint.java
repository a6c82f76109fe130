package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.config.PolicyShorthands;
import dev.burrow.agent.config.TunnelDefinition;
import dev.burrow.protocol.ErrorCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /api/tunnels} of the inspector API: list the agent's tunnels, show one, start one by name, stop one by name.
 */
final class TunnelsEndpoint {
    private final Agent agent;
    private final NgrokTunnels ngrok;
    /** Binds wait for the edge's answer: they run here, never on the inspector's event loop. */
    private final ExecutorService binder = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "burrow-inspector-bind");
        thread.setDaemon(true);
        return thread;
    });

    TunnelsEndpoint(Agent agent) {
        this.agent = agent;
        this.ngrok = new NgrokTunnels(agent);
    }

    /**
     * Every running tunnel: its address, where it forwards, and its traffic policy with the secrets masked; with
     * ngrok's fields beside ours ({@link NgrokTunnels}), so that scripts written for ngrok's agent API read it too.
     */
    ObjectNode list() {
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        ArrayNode list = node.putArray("tunnels");
        ngrok.byName().forEach((name, tunnel) -> list.add(item(name, tunnel)));
        node.put("uri", "/api/tunnels");
        return node;
    }

    /** The running tunnel called {@code name} here (ngrok's {@code GET /api/tunnels/NAME}); 404 if none. */
    void one(ChannelHandlerContext ctx, FullHttpRequest request, String name) {
        AgentTunnel tunnel = ngrok.byName().get(name);
        if (tunnel == null) {
            InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no running tunnel named " + name));
            return;
        }
        InspectorApi.send(ctx, request, HttpResponseStatus.OK, item(name, tunnel));
    }

    private ObjectNode item(String name, AgentTunnel tunnel) {
        ObjectNode item = ngrok.describe(name, tunnel, InspectorJson.MAPPER.createObjectNode());
        item.put("url", tunnel.url());
        item.put("forwards_to", tunnel.forwardsTo());
        if (tunnel.hostname() != null) {
            item.put("hostname", tunnel.hostname());
        }
        if (tunnel.port() != null) {
            item.put("port", tunnel.port());
        }
        JsonNode policy = PolicyView.masked(tunnel.options().trafficPolicy());
        if (policy != null) {
            item.set("traffic_policy", policy);
        }
        return item;
    }

    /**
     * Starts a tunnel described as in the config file ({@code proto}, {@code addr}, ...) under {@code name}. The
     * bind waits for the edge, so it runs off the inspector's loop.
     */
    void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        String name;
        TunnelDefinition definition;
        try {
            JsonNode json = InspectorJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (json == null || !json.isObject() || !json.hasNonNull("name") || json.get("name").asText().isBlank()) {
                throw new IllegalArgumentException("expected a JSON object with a name, proto and addr");
            }
            name = json.get("name").asText();
            ((ObjectNode) json).remove("name");
            String unknown = TunnelDefinition.unknownKey(json);
            if (unknown != null) {
                throw new IllegalArgumentException("unknown key '" + unknown + "'");
            }
            definition = InspectorJson.MAPPER.treeToValue(json, TunnelDefinition.class);
        } catch (IOException | IllegalArgumentException e) {
            badRequest(ctx, request, e);
            return;
        }
        answerWhenDone(ctx, request, () -> agent.bind(name, definition.toOptions()), HttpResponseStatus.CREATED,
                tunnel -> named(name, tunnel).put("forwards_to", tunnel.forwardsTo()), "tunnel_not_started");
    }

    /** A description that does not read: 400 with the reason, the one a check gave rather than Jackson's wrapper. */
    private static void badRequest(ChannelHandlerContext ctx, FullHttpRequest request, Exception e) {
        Throwable reason = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
        String message = reason instanceof com.fasterxml.jackson.core.JsonProcessingException json
                ? json.getOriginalMessage() : reason.getMessage();
        InspectorApi.send(ctx, request, HttpResponseStatus.BAD_REQUEST, InspectorJson.error("bad_request", message));
    }

    /** A name in use is a conflict, a policy the edge refused a bad request, anything else the edge's doing. */
    private static HttpResponseStatus statusOf(Throwable cause) {
        if (cause instanceof IllegalArgumentException) {
            return HttpResponseStatus.CONFLICT;
        }
        if (cause instanceof AgentException agent && agent.code() == ErrorCode.POLICY_INVALID) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        return HttpResponseStatus.BAD_GATEWAY;
    }

    /**
     * Replaces the traffic policy of the tunnel running under {@code name}, which keeps its address and connections:
     * the body holds the policy keys of a tunnel description ({@code traffic_policy} and the shorthand keys such as
     * {@code basic_auth}), which make the whole new policy; {@code {}} leaves none. Other keys are refused.
     */
    void replacePolicy(ChannelHandlerContext ctx, FullHttpRequest request, String name) {
        AgentTunnel tunnel = running(name);
        if (tunnel == null) {
            InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no running tunnel named " + name));
            return;
        }
        String policy;
        try {
            JsonNode json = InspectorJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("expected a JSON object of policy keys");
            }
            JsonNode own = ((ObjectNode) json).remove("traffic_policy");
            if (own != null && !own.isNull() && !own.isObject()) {
                throw new IllegalArgumentException("traffic_policy must be a mapping of phases to rules");
            }
            for (var keys = json.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!PolicyShorthands.KEYS.contains(key)) {
                    throw new IllegalArgumentException("'" + key + "' is not a policy key; only traffic_policy and"
                            + " the shorthand keys change in place");
                }
            }
            policy = InspectorJson.MAPPER.treeToValue(json, PolicyShorthands.class).policyText(
                    tunnel.options().type(), own == null || own.isNull() ? null : own, TunnelDefinition.YAML_SPELLING,
                    Path.of(""));
        } catch (IOException | IllegalArgumentException e) {
            badRequest(ctx, request, e);
            return;
        }
        answerWhenDone(ctx, request, () -> {
            tunnel.updateTrafficPolicy(policy);
            return tunnel;
        }, HttpResponseStatus.OK, changed -> named(name, changed), "policy_not_changed");
    }

    /**
     * Runs {@code work}, which waits for the edge, off the inspector's loop; then answers {@code status} with what
     * {@code answer} makes of its result, or the failure's status with {@code failure} and the edge's reason.
     */
    private void answerWhenDone(ChannelHandlerContext ctx, FullHttpRequest request, Supplier<AgentTunnel> work,
                                HttpResponseStatus status, Function<AgentTunnel, ObjectNode> answer,
                                String failure) {
        request.retain();
        CompletableFuture.supplyAsync(work, binder).whenComplete((tunnel, error) -> {
            try {
                if (error == null) {
                    InspectorApi.send(ctx, request, status, answer.apply(tunnel));
                } else {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    InspectorApi.send(ctx, request, statusOf(cause), InspectorJson.error(failure, cause.getMessage()));
                }
            } finally {
                request.release();
            }
        });
    }

    /** A tunnel as the API names it in its answers: its name and address. */
    private static ObjectNode named(String name, AgentTunnel tunnel) {
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        node.put("name", name);
        node.put("url", tunnel.url());
        return node;
    }

    private AgentTunnel running(String name) {
        return agent.tunnels().stream().filter(t -> name.equals(t.name())).findFirst().orElse(null);
    }

    /** Stops the tunnel started under {@code name}; its address is freed at the edge at once. */
    void stop(ChannelHandlerContext ctx, FullHttpRequest request, String name) {
        AgentTunnel tunnel = running(name);
        if (tunnel == null) {
            InspectorApi.send(ctx, request, HttpResponseStatus.NOT_FOUND, InspectorJson.error("not_found",
                    "no running tunnel named " + name));
            return;
        }
        tunnel.close();
        InspectorApi.send(ctx, request, HttpResponseStatus.OK, named(name, tunnel));
    }

    void close() {
        binder.shutdownNow();
    }
}
