package dev.burrow.edge.policy.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.burrow.config.Durations;
import dev.burrow.edge.policy.PolicyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config} of one action, read with the checks every action needs: each value of the expected kind, no key
 * the action does not know, and every refusal naming the action's line.
 */
public final class ActionConfig {
    private final String type;
    private final JsonNode node;
    private final int line;

    public ActionConfig(String type, JsonNode node, int line) {
        this.type = type;
        this.node = node;
        this.line = line;
    }

    public int line() {
        return line;
    }

    /** Refuses keys other than {@code known}. */
    public ActionConfig only(String... known) throws PolicyException {
        Set<String> allowed = Set.of(known);
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw problem("unknown config key '" + name + "'" + (known.length == 0 ? ""
                        : " (known: " + String.join(", ", known) + ")"));
            }
        }
        return this;
    }

    public boolean has(String key) {
        return node.hasNonNull(key);
    }

    public String string(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw problem("config needs '" + key + "'");
        }
        if (!value.isValueNode() || value.isBinary()) {
            throw problem("'" + key + "' must be a string");
        }
        return value.asText();
    }

    public String string(String key, String otherwise) throws PolicyException {
        return has(key) ? string(key) : otherwise;
    }

    public int integer(String key, int otherwise, int min, int max) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() && !value.isTextual()) {
            throw problem("'" + key + "' must be a whole number");
        }
        int number = value.isTextual() ? parse(key, value.asText()) : value.asInt();
        if (number < min || number > max) {
            throw problem("'" + key + "' must be between " + min + " and " + max + ", not " + number);
        }
        return number;
    }

    /** A number from {@code min} to {@code max}, fractions allowed; {@code otherwise} when absent. */
    public double number(String key, double otherwise, double min, double max) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isNumber()) {
            throw problem("'" + key + "' must be a number");
        }
        double number = value.asDouble();
        if (!(number >= min && number <= max)) {
            throw problem("'" + key + "' must be between " + min + " and " + max + ", not " + value.asText());
        }
        return number;
    }

    /** {@code true} or {@code false}; {@code otherwise} when absent. */
    public boolean bool(String key, boolean otherwise) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw problem("'" + key + "' must be true or false");
        }
        return value.asBoolean();
    }

    /**
     * A duration as people type it ({@code 30s}, {@code 5m}, {@code 1h}, see {@link Durations}) from {@code min} to
     * {@code max}; {@code otherwise} when absent, and when that is null the key is required.
     */
    public Duration duration(String key, Duration otherwise, Duration min, Duration max) throws PolicyException {
        if (!has(key) && otherwise != null) {
            return otherwise;
        }
        Duration duration;
        try {
            duration = Durations.parse(string(key));
        } catch (IllegalArgumentException e) {
            throw problem("'" + key + "': " + e.getMessage());
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw problem("'" + key + "' must be from " + Durations.format(min) + " to " + Durations.format(max)
                    + ", not " + string(key));
        }
        return duration;
    }

    /** A list of strings; absent is an empty list. */
    public List<String> strings(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw problem("'" + key + "' must be a list");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.isNull()) {
                throw problem("every item of '" + key + "' must be a string");
            }
            list.add(item.asText());
        }
        return list;
    }

    /** A mapping of names to scalar values, in the order written; absent is empty. */
    public Map<String, String> map(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw problem("'" + key + "' must be a mapping of names to values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (var fields = value.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw problem("'" + key + "." + field.getKey() + "' must be a string, a number or a bool");
            }
            map.put(field.getKey(), field.getValue().asText());
        }
        return map;
    }

    /** A mapping whose values are kept as written (strings, numbers, bools), for variables. */
    public Map<String, Object> values(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw problem("'" + key + "' must be a mapping of names to values");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (var fields = value.fields(); fields.hasNext(); ) {
            var field = fields.next();
            JsonNode item = field.getValue();
            Object converted;
            if (item.isBoolean()) {
                converted = item.asBoolean();
            } else if (item.isIntegralNumber() && item.canConvertToLong()) {
                converted = item.asLong();
            } else if (item.isNumber()) {
                converted = item.asDouble();
            } else if (item.isTextual()) {
                converted = item.asText();
            } else {
                throw problem("'" + key + "." + field.getKey() + "' must be a string, a number or a bool");
            }
            map.put(field.getKey(), converted);
        }
        return map;
    }

    /** The mapping under {@code key}, read with the same checks; an absent key reads as an empty mapping. */
    public ActionConfig section(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return new ActionConfig(type, JsonNodeFactory.instance.objectNode(), line);
        }
        if (!value.isObject()) {
            throw problem("'" + key + "' must be a mapping");
        }
        return new ActionConfig(type, value, line);
    }

    /** The list of mappings under {@code key}; absent is an empty list. */
    public List<ActionConfig> sections(String key) throws PolicyException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw problem("'" + key + "' must be a list");
        }
        List<ActionConfig> list = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw problem("every item of '" + key + "' must be a mapping");
            }
            list.add(new ActionConfig(type, item, line));
        }
        return list;
    }

    /** A refusal of this action's config, on its line. */
    public PolicyException problem(String what) {
        return new PolicyException(line, "action '" + type + "': " + what);
    }

    private int parse(String key, String text) throws PolicyException {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw problem("'" + key + "' must be a whole number");
        }
    }
}
