package dev.burrow.edge.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.burrow.config.YamlLines;
import dev.burrow.edge.policy.action.Action;
import dev.burrow.edge.policy.action.ActionConfig;
import dev.burrow.edge.policy.action.ActionTypes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a traffic policy's text (YAML, or JSON, which is YAML too) into compiled rules, refusing anything it does not
 * know or that breaks a bound, with the line to look at. The shape is ngrok's: phases, each a list of rules with an
 * optional {@code name}, {@code expressions} and {@code actions} ({@code type} and {@code config}).
 */
final class PolicyReader {
    /** Characters of policy text; it travels in one control message, itself at most 64 KiB. */
    static final int MAX_TEXT = 32 * 1024;
    static final int MAX_RULES = 64;
    static final int MAX_EXPRESSIONS = 16;
    static final int MAX_EXPRESSION_LENGTH = 2048;
    static final int MAX_ACTIONS = 16;
    /** The longest rule name. */
    static final int MAX_NAME = 128;
    /** Mappings and lists inside each other: a policy needs five or six. */
    static final int MAX_DEPTH = 16;

    private static final Set<String> RULE_KEYS = Set.of("name", "expressions", "actions");
    private static final Set<String> ACTION_KEYS = Set.of("type", "config");
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());

    private final YamlLines lines;
    /** Whether a {@code terminate-tls} action was read: a policy has at most one. */
    private boolean terminatesTls;

    private PolicyReader(String text) {
        this.lines = YamlLines.of(text);
    }

    static TrafficPolicy read(String text) throws PolicyException {
        if (text.length() > MAX_TEXT) {
            throw new PolicyException(0, "the policy is over " + MAX_TEXT + " characters");
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return TrafficPolicy.NONE;
        }
        return new PolicyReader(text).policy(root);
    }

    private TrafficPolicy policy(JsonNode root) throws PolicyException {
        if (!root.isObject()) {
            throw new PolicyException(1, "a policy is a mapping of phases (on_tcp_connect, on_http_request,"
                    + " on_http_response) to lists of rules");
        }
        Map<Phase, List<Rule>> phases = new EnumMap<>(Phase.class);
        for (var fields = root.fields(); fields.hasNext(); ) {
            var field = fields.next();
            JsonPointer at = JsonPointer.empty().appendProperty(field.getKey());
            Phase phase = Phase.ofKey(field.getKey());
            if (phase == null) {
                throw new PolicyException(line(at), "unknown phase '" + field.getKey()
                        + "' (known: on_tcp_connect, on_http_request, on_http_response)");
            }
            phases.put(phase, rules(phase, field.getValue(), at));
        }
        return new TrafficPolicy(phases);
    }

    private List<Rule> rules(Phase phase, JsonNode node, JsonPointer at) throws PolicyException {
        if (node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new PolicyException(line(at), phase.key() + " must be a list of rules");
        }
        if (node.size() > MAX_RULES) {
            throw new PolicyException(line(at), phase.key() + " has " + node.size() + " rules; at most "
                    + MAX_RULES);
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            rules.add(rule(phase, node.get(i), at.appendIndex(i), phase.key() + "[" + i + "]"));
        }
        return List.copyOf(rules);
    }

    private Rule rule(Phase phase, JsonNode node, JsonPointer at, String place) throws PolicyException {
        if (!node.isObject()) {
            throw new PolicyException(line(at), "a rule is a mapping with 'actions' and optional 'name' and"
                    + " 'expressions'");
        }
        unknownKeys(node, at, RULE_KEYS, "rule");
        String name = node.hasNonNull("name") ? text(node.get("name"), at.appendProperty("name"), "name") : place;
        if (!name.matches("[\\x20-\\x7e]{1," + MAX_NAME + "}")) {
            // A name goes into log lines and into a field of the request the agent receives.
            throw new PolicyException(line(at.appendProperty("name")), "a rule's name is 1 to " + MAX_NAME
                    + " printable ASCII characters");
        }
        List<Expressions.Program> expressions = new ArrayList<>();
        JsonNode list = node.get("expressions");
        JsonPointer listAt = at.appendProperty("expressions");
        if (list != null && !list.isNull()) {
            if (!list.isArray() || list.size() > MAX_EXPRESSIONS) {
                throw new PolicyException(line(listAt), "'expressions' must be a list of at most " + MAX_EXPRESSIONS
                        + " CEL expressions");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonPointer itemAt = listAt.appendIndex(i);
                String source = text(list.get(i), itemAt, "an expression");
                if (source.length() > MAX_EXPRESSION_LENGTH) {
                    throw new PolicyException(line(itemAt), "an expression is at most " + MAX_EXPRESSION_LENGTH
                            + " characters");
                }
                expressions.add(Expressions.compile(phase, source, line(itemAt)));
            }
        }
        JsonNode actionList = node.get("actions");
        JsonPointer actionsAt = at.appendProperty("actions");
        if (actionList == null || !actionList.isArray() || actionList.isEmpty()) {
            throw new PolicyException(line(actionList == null ? at : actionsAt), "rule '" + name
                    + "' needs 'actions', a list of at least one action");
        }
        if (actionList.size() > MAX_ACTIONS) {
            throw new PolicyException(line(actionsAt), "a rule has at most " + MAX_ACTIONS + " actions");
        }
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < actionList.size(); i++) {
            Action action = action(phase, actionList.get(i), actionsAt.appendIndex(i));
            if (action.clientAuthorities() != null) {
                handshakeAction(name, expressions, line(actionsAt.appendIndex(i)));
            }
            actions.add(action);
        }
        return new Rule(name, List.copyOf(expressions), List.copyOf(actions));
    }

    private Action action(Phase phase, JsonNode node, JsonPointer at) throws PolicyException {
        if (!node.isObject()) {
            throw new PolicyException(line(at), "an action is a mapping with 'type' and optional 'config'");
        }
        unknownKeys(node, at, ACTION_KEYS, "action");
        if (!node.hasNonNull("type")) {
            throw new PolicyException(line(at), "an action needs a 'type'");
        }
        String type = text(node.get("type"), at.appendProperty("type"), "type");
        JsonNode config = node.get("config");
        if (config != null && !config.isNull() && !config.isObject()) {
            throw new PolicyException(line(at.appendProperty("config")), "'config' must be a mapping");
        }
        JsonNode fields = config == null || config.isNull() ? YAML.createObjectNode() : config;
        return ActionTypes.create(type, phase, new ActionConfig(type, fields, line(at)));
    }

    /**
     * Checks what a {@code terminate-tls} action needs of its policy: it acts at the handshake, for every connection
     * to the tunnel's name, before any variable has a value, so its rule has no expressions; and one set of
     * authorities applies, so there is one such action.
     */
    private void handshakeAction(String rule, List<Expressions.Program> expressions, int line)
            throws PolicyException {
        if (!expressions.isEmpty()) {
            throw new PolicyException(line, "rule '" + rule + "': terminate-tls applies to every TLS handshake for"
                    + " the tunnel's name, before a request exists, so its rule cannot have expressions");
        }
        if (terminatesTls) {
            throw new PolicyException(line, "a policy has at most one terminate-tls action; list every CA in its"
                    + " mutual_tls_certificate_authorities");
        }
        terminatesTls = true;
    }

    private void unknownKeys(JsonNode node, JsonPointer at, Set<String> known, String what) throws PolicyException {
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!known.contains(key)) {
                throw new PolicyException(line(at.appendProperty(key)), "unknown key '" + key + "' in " + what
                        + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private String text(JsonNode node, JsonPointer at, String what) throws PolicyException {
        if (!node.isTextual()) {
            throw new PolicyException(line(at), what + " must be a string");
        }
        return node.asText();
    }

    private int line(JsonPointer at) {
        return lines.lineOf(at);
    }

    private static PolicyException syntax(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            return new PolicyException(yaml.getProblemMark().getLine() + 1, "not valid YAML: " + yaml.getProblem());
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return new PolicyException(line, "not valid YAML: " + e.getOriginalMessage());
    }

    private static LoaderOptions loaderOptions() {
        // Jackson reads an alias as its anchor's name and never expands it, so aliases cannot blow a text up.
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_TEXT * 4);
        options.setAllowDuplicateKeys(false);
        return options;
    }
}
