package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;

/** An endpoint's answer: a status and a JSON body, or, for {@code /metrics}, text in Prometheus's format. */
record AdminAnswer(HttpResponseStatus status, JsonNode json, String text) {
    static AdminAnswer ok(JsonNode json) {
        return new AdminAnswer(HttpResponseStatus.OK, json, null);
    }

    static AdminAnswer created(JsonNode json) {
        return new AdminAnswer(HttpResponseStatus.CREATED, json, null);
    }

    static AdminAnswer of(HttpResponseStatus status, JsonNode json) {
        return new AdminAnswer(status, json, null);
    }

    static AdminAnswer text(String text) {
        return new AdminAnswer(HttpResponseStatus.OK, null, text);
    }
}
