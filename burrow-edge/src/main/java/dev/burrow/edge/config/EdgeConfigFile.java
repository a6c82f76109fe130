package dev.burrow.edge.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.burrow.config.ByteSizes;
import dev.burrow.config.ConfigException;
import dev.burrow.config.ConfigText;
import dev.burrow.config.YamlErrors;
import dev.burrow.config.YamlLines;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge's configuration file. Its keys are {@code burrow edge}'s options, named in snake case ({@code http_addr}
 * for {@code --http-addr}), so there is one list of settings and one way each is checked: the file is read into
 * option arguments that go before the command line's own, and a flag given on the command line wins. A list stands
 * for a repeated option; {@code true} for a switch. Beside them, {@code plans} names the plans accounts are held to,
 * and {@code version} is 1.
 *
 * @param arguments the options the file gives, as {@code --name=value}
 * @param lines the line of each option's key, by long option name, for errors found later
 */
public record EdgeConfigFile(Path path, List<String> arguments, Map<String, Integer> lines, Plans plans) {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final List<String> PLAN_KEYS = List.of("tunnels", "tcp_ports", "connections", "requests_per_minute",
            "bandwidth_per_month");

    /** The settings an edge started without a file has. */
    public static EdgeConfigFile none() {
        return new EdgeConfigFile(null, List.of(), Map.of(), Plans.DEFAULT);
    }

    /**
     * Reads the file.
     *
     * @param options the long names of the options the file may set ({@code --http-addr}), each true if it is a
     *     switch taking no value
     * @throws ConfigException naming the file and line of the first problem
     */
    public static EdgeConfigFile load(Path path, Map<String, Boolean> options) throws IOException {
        String text;
        try {
            text = ConfigText.read(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": no such file", e);
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw YamlErrors.describe(path, text, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new EdgeConfigFile(path, List.of(), Map.of(), Plans.DEFAULT);
        }
        YamlLines lines = YamlLines.of(text);
        Problems problems = new Problems(path, lines);
        if (!root.isObject()) {
            throw problems.at(JsonPointer.empty(), "the file must be a mapping of settings");
        }
        List<String> arguments = new ArrayList<>();
        Map<String, Integer> optionLines = new LinkedHashMap<>();
        Plans plans = Plans.DEFAULT;
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) root::fields) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonPointer at = JsonPointer.empty().appendProperty(key);
            if (key.equals("version")) {
                if (!value.isInt() || value.asInt() != 1) {
                    throw problems.at(at, "version must be 1");
                }
                continue;
            }
            if (key.equals("plans")) {
                plans = plans(value, at, problems);
                continue;
            }
            String option = "--" + key.replace('_', '-');
            Boolean isSwitch = options.get(option);
            if (isSwitch == null || !key.equals(key.toLowerCase(java.util.Locale.ROOT)) || key.contains("-")) {
                throw problems.at(at, "unknown key '" + key + "'");
            }
            optionLines.put(option, lines.lineOf(at));
            if (isSwitch) {
                if (!value.isBoolean()) {
                    throw problems.at(at, key + " is true or false");
                }
                if (value.booleanValue()) {
                    arguments.add(option);
                }
            } else if (value.isArray()) {
                for (JsonNode item : value) {
                    arguments.add(option + "=" + scalar(item, at, key, problems));
                }
            } else {
                arguments.add(option + "=" + scalar(value, at, key, problems));
            }
        }
        return new EdgeConfigFile(path, List.copyOf(arguments), Map.copyOf(optionLines), plans);
    }

    /** Where an option's problem lies: {@code file:line}, or the command line if the file did not set it. */
    public String where(String option) {
        Integer line = lines.get(option);
        return line == null ? null : line > 0 ? path + ":" + line : path.toString();
    }

    private static String scalar(JsonNode value, JsonPointer at, String key, Problems problems) throws IOException {
        if (value.isContainerNode() || value.isNull()) {
            throw problems.at(at, key + " takes a value, such as " + key + ": VALUE");
        }
        return value.asText();
    }

    private static Plans plans(JsonNode node, JsonPointer at, Problems problems) throws IOException {
        if (!node.isObject()) {
            throw problems.at(at, "plans is a mapping of plan names to their limits");
        }
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            JsonPointer planAt = at.appendProperty(entry.getKey());
            JsonNode limits = entry.getValue();
            if (!limits.isObject() && !limits.isNull()) {
                throw problems.at(planAt, "a plan is a mapping of limits: " + String.join(", ", PLAN_KEYS));
            }
            if (limits.isObject()) {
                for (var limit : (Iterable<Map.Entry<String, JsonNode>>) limits::fields) {
                    if (!PLAN_KEYS.contains(limit.getKey())) {
                        throw problems.at(planAt.appendProperty(limit.getKey()), "unknown key '" + limit.getKey()
                                + "' (a plan has " + String.join(", ", PLAN_KEYS) + ")");
                    }
                }
            }
            plans.put(entry.getKey(), new Plan(entry.getKey(), limit(limits, planAt, "tunnels", problems),
                    limit(limits, planAt, "tcp_ports", problems), limit(limits, planAt, "connections", problems),
                    limit(limits, planAt, "requests_per_minute", problems),
                    bytes(limits, planAt, "bandwidth_per_month", problems)));
        }
        return new Plans(plans);
    }

    /** A limit: a whole number of zero or more, or absent (no limit). */
    private static Integer limit(JsonNode limits, JsonPointer planAt, String key, Problems problems)
            throws IOException {
        JsonNode value = limits == null ? null : limits.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt() || value.asInt() < 0) {
            throw problems.at(planAt.appendProperty(key), key + " is a whole number of 0 or more");
        }
        return value.asInt();
    }

    /** An amount of data ({@link ByteSizes}: bytes, or such as 10GB), or absent (no limit). */
    private static Long bytes(JsonNode limits, JsonPointer planAt, String key, Problems problems)
            throws IOException {
        JsonNode value = limits == null ? null : limits.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return ByteSizes.parse(value.isContainerNode() ? "?" : value.asText());
        } catch (IllegalArgumentException e) {
            throw problems.at(planAt.appendProperty(key), key + " is an amount of data such as 500MB, 10GB or"
                    + " 1TiB");
        }
    }

    /** Problems worded {@code file:line: problem}. */
    private record Problems(Path path, YamlLines lines) {
        ConfigException at(JsonPointer pointer, String problem) {
            int line = lines.lineOf(pointer);
            return new ConfigException((line > 0 ? path + ":" + line : path.toString()) + ": " + problem, null);
        }
    }
}
