package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A captured exchange in the shape of ngrok's agent API ({@code /api/requests/http}): ids as strings, the start in
 * RFC 3339, the duration in nanoseconds, headers as canonical name to list of values, and each message also whole
 * as {@code raw}, base64 of its HTTP/1.1 text with the body as captured (a cut body is cut there too).
 */
final class NgrokJson {
    /** The version the messages are written in: the tunnel's own framing is Burrow's, not the visitor's. */
    private static final String PROTO = "HTTP/1.1";

    private NgrokJson() {
    }

    /** The request at {@code /api/requests/http/ID}; {@code tunnelName} null when its tunnel runs no more. */
    static ObjectNode request(ExchangeView view, String tunnelName) {
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        node.put("uri", "/api/requests/http/" + view.id());
        node.put("id", Long.toString(view.id()));
        node.put("tunnel_name", tunnelName);
        node.put("remote_addr", view.clientAddress());
        node.put("start", view.startedAt().toString());
        node.put("duration", view.durationMillis() == null ? 0 : Math.round(view.durationMillis() * 1_000_000));
        ObjectNode request = node.putObject("request");
        request.put("method", view.method());
        request.put("proto", PROTO);
        request.set("headers", headers(view.requestHeaders()));
        request.put("uri", view.uri());
        String head = view.method() + " " + view.uri() + " " + PROTO + "\r\n"
                + (view.authority() == null ? "" : "host: " + view.authority() + "\r\n");
        request.put("raw", raw(head, view.requestHeaders(), view.requestBody()));
        if (view.status() == null) {
            node.putNull("response");
            return node;
        }
        ObjectNode response = node.putObject("response");
        String status = HttpResponseStatus.valueOf(view.status()).toString();
        response.put("status", status);
        response.put("status_code", view.status());
        response.put("proto", PROTO);
        response.set("headers", headers(view.responseHeaders()));
        response.put("raw", raw(PROTO + " " + status + "\r\n", view.responseHeaders(), view.responseBody()));
        return node;
    }

    /** Headers by canonical name ({@code Content-Type}), as ngrok's Go agent keys them, repeats in order. */
    private static ObjectNode headers(List<Map.Entry<String, String>> headers) {
        ObjectNode node = InspectorJson.MAPPER.createObjectNode();
        for (Map.Entry<String, String> header : headers) {
            String name = canonical(header.getKey());
            ArrayNode values = node.has(name) ? (ArrayNode) node.get(name) : node.putArray(name);
            values.add(header.getValue());
        }
        return node;
    }

    /** The first letter and each one after a dash upper case, the rest lower case. */
    static String canonical(String name) {
        StringBuilder text = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            text.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return text.toString();
    }

    /** Base64 of {@code head} (start line, maybe Host), the headers as captured, a blank line, and the body kept. */
    private static String raw(String head, List<Map.Entry<String, String>> headers, ExchangeView.Body body) {
        StringBuilder text = new StringBuilder(head);
        for (Map.Entry<String, String> header : headers) {
            text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        text.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body.captured());
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
