package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One call of the admin API as an endpoint sees it, read whole on the listener's loop before any store call: the
 * path's parameters (the parts that matched {@code {}} in its route), the query, the JSON body if it had one, and
 * who sent it.
 */
record AdminRequest(List<String> params, Map<String, List<String>> query, JsonNode body, InetSocketAddress remote) {
    String param(int index) {
        return params.get(index);
    }

    /** A query parameter's first value, or null. */
    String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body, which must be a JSON object. */
    JsonNode object() {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("the request needs a JSON object as its body");
        }
        return body;
    }
}
