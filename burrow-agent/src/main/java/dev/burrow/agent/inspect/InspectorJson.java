package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The inspector API's JSON: snake_case keys, times as ISO-8601, bodies as base64 with their size and cut. */
final class InspectorJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private InspectorJson() {
    }

    /** One line of the list: enough to show and filter, without headers or bodies. */
    static ObjectNode summary(ExchangeView view) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", view.id());
        node.put("tunnel_url", view.tunnelUrl());
        node.put("method", view.method());
        node.put("uri", view.uri());
        node.put("authority", view.authority());
        if (view.status() != null) {
            node.put("status", view.status());
        } else {
            node.putNull("status");
        }
        node.put("state", view.state().name().toLowerCase(Locale.ROOT));
        node.put("started_at", view.startedAt().toString());
        if (view.durationMillis() != null) {
            node.put("duration_ms", view.durationMillis());
        } else {
            node.putNull("duration_ms");
        }
        node.put("request_size", view.requestBody().size());
        node.put("response_size", view.responseBody().size());
        node.put("client_addr", view.clientAddress());
        if (view.replayOf() != null) {
            node.put("replay_of", view.replayOf());
        }
        if (view.webSocket() != null) {
            node.put("websocket", true);
        }
        if (!view.policyRules().isEmpty()) {
            ArrayNode rules = node.putArray("policy_rules");
            view.policyRules().forEach(rules::add);
        }
        if (view.denial() != null) {
            ObjectNode denied = node.putObject("denied_at_edge");
            denied.put("rule", view.denial().rule());
            denied.put("reason", view.denial().reason());
        }
        return node;
    }

    /** Everything captured: the summary plus headers and bodies. */
    static ObjectNode detail(ExchangeView view) {
        ObjectNode node = summary(view);
        ObjectNode request = node.putObject("request");
        request.set("headers", headers(view.requestHeaders()));
        request.set("body", body(view.requestBody()));
        ObjectNode response = node.putObject("response");
        response.set("headers", headers(view.responseHeaders()));
        response.set("body", body(view.responseBody()));
        if (view.webSocket() != null) {
            ObjectNode webSocket = node.putObject("websocket");
            ArrayNode frames = webSocket.putArray("frames");
            for (ExchangeView.Frame frame : view.webSocket().frames()) {
                ObjectNode item = frames.addObject();
                item.put("at", frame.at().toString());
                item.put("from", frame.fromClient() ? "client" : "upstream");
                item.put("type", frame.type());
                item.put("fin", frame.fin());
                item.put("length", frame.length());
                item.put("preview_base64", Base64.getEncoder().encodeToString(frame.preview()));
            }
            webSocket.put("dropped", view.webSocket().dropped());
        }
        return node;
    }

    /** Headers as [name, value] pairs, in order, repeats kept. */
    private static ArrayNode headers(List<Map.Entry<String, String>> headers) {
        ArrayNode list = MAPPER.createArrayNode();
        for (Map.Entry<String, String> header : headers) {
            list.addArray().add(header.getKey()).add(header.getValue());
        }
        return list;
    }

    private static ObjectNode body(ExchangeView.Body body) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("size", body.size());
        node.put("truncated", body.truncated());
        node.put("base64", Base64.getEncoder().encodeToString(body.captured()));
        return node;
    }

    static ObjectNode error(String code, String message) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("error", code);
        node.put("message", message);
        return node;
    }
}
