package dev.burrow.cli;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.burrow.config.ConfigException;
import dev.burrow.agent.config.PolicyShorthands;
import dev.burrow.agent.config.TunnelDefinition;
import dev.burrow.config.YamlLines;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags of every tunnel command that make its traffic policy, which the edge enforces: a policy file, and
 * shorthands that become rules ahead of the file's own. The policy is compiled here first, so a mistake is reported
 * with the file's line (or the flag) before anything connects; the edge compiles it again and has the last word.
 */
class PolicyOptions {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Option(names = "--traffic-policy-file", paramLabel = "FILE",
            description = "A traffic policy (YAML or JSON: on_tcp_connect, on_http_request, on_http_response rules"
                    + " with CEL expressions and actions) that the edge enforces for this tunnel. See docs/policy.md.")
    Path policyFile;

    @Option(names = "--cidr-allow", paramLabel = "CIDR", split = ",",
            description = "Let only clients from these address blocks in (IPv4 or IPv6; repeatable). A shorthand"
                    + " for a restrict-ips rule.")
    List<String> cidrAllow = new ArrayList<>();

    @Option(names = "--cidr-deny", paramLabel = "CIDR", split = ",",
            description = "Keep clients from these address blocks out (repeatable). A shorthand for a restrict-ips"
                    + " rule.")
    List<String> cidrDeny = new ArrayList<>();

    /**
     * The policy text to bind the tunnel with, or null when no flag asks for one.
     *
     * @throws ParameterException naming the file and line, or the flag, of a policy that does not compile
     */
    final String policyText(CommandLine commandLine, TunnelType type) {
        ObjectNode policy = NODES.objectNode();
        List<PolicyShorthands.Rule> rules;
        try {
            rules = shorthands().rules(type, name -> "--" + name, Path.of(""));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage());
        }
        rules.forEach(rule -> add(commandLine, policy, rule));
        if (policyFile != null) {
            appendFile(commandLine, policy, type);
        }
        if (policy.isEmpty()) {
            return null;
        }
        String text = policy.toString();
        try {
            TrafficPolicy.compile(text).checkFits(type);
        } catch (PolicyException e) {
            throw new ParameterException(commandLine, "traffic policy: " + e.getMessage());
        }
        return text;
    }

    /**
     * Compiles the inline {@code traffic_policy} of each tunnel of a config file, as the edge will, so that a mistake
     * is reported at the key's line before anything connects.
     */
    static void checkDefinitions(Path configFile, Map<String, TunnelDefinition> tunnels) throws ConfigException {
        YamlLines lines = null;
        for (Map.Entry<String, TunnelDefinition> tunnel : tunnels.entrySet()) {
            String text = tunnel.getValue().policyText();
            if (text == null) {
                continue;
            }
            try {
                TrafficPolicy.compile(text).checkFits(TunnelType.fromWire(tunnel.getValue().proto()));
            } catch (PolicyException e) {
                if (lines == null) {
                    lines = linesOf(configFile);
                }
                int line = lines.lineOf(JsonPointer.empty().appendProperty("tunnels").appendProperty(tunnel.getKey())
                        .appendProperty("traffic_policy"));
                throw new ConfigException((line > 0 ? configFile + ":" + line : configFile.toString()) + ": tunnel '"
                        + tunnel.getKey() + "': traffic_policy: " + e.getMessage().replaceFirst("^line \\d+: ", ""),
                        e);
            }
        }
    }

    private static YamlLines linesOf(Path configFile) {
        try {
            return YamlLines.of(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return YamlLines.of("");
        }
    }

    /** The shorthands the flags give; those of every tunnel here. */
    PolicyShorthands shorthands() {
        return PolicyShorthands.cidr(given(cidrAllow), given(cidrDeny));
    }

    /** A repeatable flag's values, or null when it was not given. */
    static <T> List<T> given(List<T> values) {
        return values.isEmpty() ? null : values;
    }

    /** Adds a rule a flag made, checked alone so that a mistake names the flag. */
    private static void add(CommandLine commandLine, ObjectNode policy, PolicyShorthands.Rule made) {
        ObjectNode alone = NODES.objectNode();
        alone.set(made.phase(), NODES.arrayNode().add(made.node()));
        try {
            TrafficPolicy.compile(alone.toString());
        } catch (PolicyException e) {
            String problem = e.getMessage().replaceFirst("^line \\d+: ", "").replaceFirst("^action '[a-z-]+': ", "");
            throw new ParameterException(commandLine, made.name() + ": " + problem);
        }
        rulesOf(policy, made.phase()).add(made.node());
    }

    private static ArrayNode rulesOf(ObjectNode policy, String phase) {
        JsonNode rules = policy.get(phase);
        return rules != null ? (ArrayNode) rules : policy.putArray(phase);
    }

    private void appendFile(CommandLine commandLine, ObjectNode policy, TunnelType type) {
        String text;
        try {
            text = Files.readString(policyFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ParameterException(commandLine, "--traffic-policy-file: cannot read " + policyFile + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        try {
            TrafficPolicy.compile(text).checkFits(type);
        } catch (PolicyException e) {
            String where = e.line() > 0 ? policyFile + ":" + e.line() : policyFile.toString();
            throw new ParameterException(commandLine, where + ": " + e.getMessage().replaceFirst("^line \\d+: ", ""));
        }
        JsonNode file;
        try {
            file = new YAMLMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the policy compiled, so it parses", e);
        }
        if (file == null || !file.isObject()) {
            return;
        }
        for (Phase phase : Phase.values()) {
            JsonNode rules = file.get(phase.key());
            if (rules != null && rules.isArray()) {
                rulesOf(policy, phase.key()).addAll((ArrayNode) rules);
            }
        }
    }
}
