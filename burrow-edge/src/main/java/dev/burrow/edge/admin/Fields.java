package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reading the fields of a request's JSON object, each wrong one answered 400 with its name. */
final class Fields {
    private Fields() {
    }

    /** Refuses a field the call does not know: a typo must not pass for a default. */
    static void onlyKnown(JsonNode body, Set<String> known) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.badRequest("unknown field '" + name + "'; known: " + String.join(", ",
                        known.stream().sorted().toList()));
            }
        }
    }

    /** A string field; null if absent and not {@code required}. */
    static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiError.badRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        return value.asText();
    }

    /** An array of strings; empty if absent. */
    static List<String> texts(JsonNode body, String field) {
        JsonNode value = body.get(field);
        List<String> list = new ArrayList<>();
        if (value == null || value.isNull()) {
            return list;
        }
        if (!value.isArray()) {
            throw ApiError.badRequest("'" + field + "' must be an array of strings");
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw ApiError.badRequest("'" + field + "' must be an array of strings");
            }
            list.add(item.asText());
        }
        return list;
    }
}
