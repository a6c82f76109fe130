package dev.burrow.cli.ngrok;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.TunnelDefinition;
import dev.burrow.config.ConfigException;
import dev.burrow.config.YamlErrors;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads an ngrok agent config file, version 2 ({@code authtoken}, {@code tunnels:}) or 3 ({@code agent:},
 * {@code endpoints:}, {@code tunnels:}), into the {@code burrow.yml} it stands for, with one line for each thing it
 * could not carry and why. A key ngrok does not have, or a file that is not a mapping, is refused at its line: it is
 * not ngrok config, or not one this knows. A tunnel whose settings Burrow refuses is left out (noted), never carried
 * with fewer guards than it had.
 */
public final class NgrokConfigImport {
    /** The settings carried, and the {@code file:line: not carried: key: why} lines. */
    public record Result(AgentConfig config, List<String> notCarried) {
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String GENERIC = "an ngrok agent setting Burrow has no equivalent of";
    private static final String LOGGING = "Burrow's logging is the --log, --log-level and --log-format flags";
    private static final String TRUST = "trust your edge with server_ca or server_fingerprint";
    /** Agent settings (version 2's top level, version 3's {@code agent:}) that Burrow has not, and why. */
    private static final Map<String, String> AGENT_ONLY = Map.ofEntries(
            Map.entry("server_addr", "that is ngrok's service; name your edge with server_addr or --server"),
            Map.entry("connect_url", "that is ngrok's service; name your edge with server_addr or --server"),
            Map.entry("region", "Burrow has no regions: server_addr names your edge"),
            Map.entry("web_addr", "the inspector's address is the --inspect-addr flag"),
            Map.entry("web_allow_hosts", "the inspector answers only localhost, 127.0.0.1 and [::1]"),
            Map.entry("inspect_db_size", "Burrow keeps the newest 500 requests and 64 MiB of bodies"),
            Map.entry("console_ui", "Burrow takes the terminal's screen whenever it has one"),
            Map.entry("console_ui_color", "Burrow takes the terminal's screen whenever it has one"),
            Map.entry("log", LOGGING), Map.entry("log_level", LOGGING), Map.entry("log_format", LOGGING),
            Map.entry("update", "Burrow does not update itself"),
            Map.entry("update_channel", "Burrow does not update itself"),
            Map.entry("update_check", "Burrow does not update itself"),
            Map.entry("root_cas", TRUST), Map.entry("connect_cas", TRUST),
            Map.entry("proxy_url", "Burrow dials its edge directly"),
            Map.entry("api_key", "Burrow has no ngrok API"),
            Map.entry("metadata", "Burrow keeps no session metadata"),
            Map.entry("heartbeat_interval", "Burrow's heartbeat is its own"),
            Map.entry("heartbeat_tolerance", "Burrow's heartbeat is its own"),
            Map.entry("connect_timeout", GENERIC), Map.entry("connect_interface", GENERIC),
            Map.entry("dns_resolver_ips", GENERIC), Map.entry("crl_noverify", GENERIC),
            Map.entry("remote_management", GENERIC));
    private static final Set<String> V3_KEYS = Set.of("version", "agent", "endpoints", "tunnels");

    private final ImportNotes notes;
    private final NgrokTunnelImport tunnelImport;
    private final Map<String, TunnelDefinition> tunnels = new LinkedHashMap<>();

    private NgrokConfigImport(ImportNotes notes) {
        this.notes = notes;
        this.tunnelImport = new NgrokTunnelImport(notes);
    }

    /**
     * Reads {@code file}.
     *
     * @throws ConfigException naming {@code file:line}, if it is not ngrok config this knows
     */
    public static Result read(Path file) throws IOException {
        String text = Files.readString(file);
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw YamlErrors.describe(file, text, e);
        }
        NgrokConfigImport reading = new NgrokConfigImport(new ImportNotes(file, text));
        return reading.read(root == null ? YAML.missingNode() : root);
    }

    private Result read(JsonNode root) throws ConfigException {
        JsonPointer top = JsonPointer.empty();
        if (!root.isObject()) {
            throw notes.refuse(top, "not an ngrok config file: expected a mapping with version, authtoken and"
                    + " tunnels or endpoints");
        }
        // ngrok 2 wrote files without a version; those are version 2.
        String version = root.path("version").asText("2");
        if (version.equals("2")) {
            agentSettings(root, top, Set.of("version", "tunnels"));
        } else if (version.equals("3")) {
            checkKeys(root, top, V3_KEYS::contains);
            if (!root.path("agent").isMissingNode()) {
                agentSettings(root.get("agent"), top.appendProperty("agent"), Set.of());
            }
            endpoints(root.path("endpoints"), top.appendProperty("endpoints"));
        } else {
            throw notes.refuse(top.appendProperty("version"), "version " + version
                    + ": Burrow imports ngrok config versions 2 and 3");
        }
        v2Tunnels(root.path("tunnels"), top.appendProperty("tunnels"));
        AgentConfig config = new AgentConfig(AgentConfig.CURRENT_VERSION, null, null, null, null,
                tunnels.isEmpty() ? null : new LinkedHashMap<>(tunnels));
        return new Result(config, notes.lines());
    }

    /** Notes a mapping of agent settings, none of which a Burrow agent can use. */
    private void agentSettings(JsonNode settings, JsonPointer at, Set<String> alsoKnown) throws ConfigException {
        checkKeys(settings, at, key -> key.equals("authtoken") || alsoKnown.contains(key)
                || AGENT_ONLY.containsKey(key));
        for (var keys = settings.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (AGENT_ONLY.containsKey(key)) {
                notes.notCarried(at.appendProperty(key), AGENT_ONLY.get(key));
            } else if (key.equals("authtoken")) {
                // Carried, it could only be refused by the edge, and it is a secret of another service.
                notes.notCarried(at.appendProperty(key), "an ngrok authtoken is not a Burrow one; save the token your"
                        + " edge gave you with 'burrow config add-authtoken TOKEN'");
            }
        }
    }

    private void v2Tunnels(JsonNode list, JsonPointer at) throws ConfigException {
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        if (!list.isObject()) {
            throw notes.refuse(at, "tunnels is a mapping of names to tunnel definitions");
        }
        for (var each = list.fields(); each.hasNext(); ) {
            var tunnel = each.next();
            JsonPointer tunnelAt = at.appendProperty(tunnel.getKey());
            add(tunnel.getKey(), tunnelImport.tunnel(tunnel.getValue(), tunnelAt), tunnelAt);
        }
    }

    private void endpoints(JsonNode list, JsonPointer at) throws ConfigException {
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw notes.refuse(at, "endpoints is a list of endpoint definitions");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonPointer endpointAt = at.appendIndex(i);
            ObjectNode burrow = tunnelImport.endpoint(list.get(i), endpointAt);
            String name = list.get(i).path("name").asText("endpoint_" + (i + 1));
            add(name, burrow, endpointAt);
        }
    }

    /** Keeps the tunnel if Burrow takes it as it is, its traffic policy included; else notes why it is left out. */
    private void add(String name, ObjectNode burrow, JsonPointer at) throws ConfigException {
        if (tunnels.containsKey(name)) {
            throw notes.refuse(at, "a second tunnel named '" + name + "'");
        }
        if (burrow == null) {
            return;
        }
        TunnelDefinition definition;
        try {
            definition = YAML.treeToValue(burrow, TunnelDefinition.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable reason = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = reason instanceof JsonProcessingException json ? json.getOriginalMessage()
                    : reason.getMessage();
            notes.notCarried(at, "tunnel '" + name + "' left out: Burrow refuses it as written: " + message);
            return;
        }
        String policy = definition.policyText();
        if (policy != null) {
            try {
                TrafficPolicy.compile(policy).checkFits(TunnelType.fromWire(definition.proto()));
            } catch (PolicyException e) {
                notes.notCarried(at, "tunnel '" + name + "' left out: its traffic policy does not run in Burrow ("
                        + e.getMessage().replaceFirst("^line \\d+: ", "") + "), and without it the tunnel would let in what the policy keeps out");
                return;
            }
        }
        tunnels.put(name, definition);
    }

    private void checkKeys(JsonNode node, JsonPointer at, Predicate<String> known)
            throws ConfigException {
        if (!node.isObject()) {
            throw notes.refuse(at, "expected a mapping of settings");
        }
        for (var keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!known.test(key)) {
                throw notes.refuse(at.appendProperty(key), "unknown key '" + key
                        + "' (not an ngrok agent setting)");
            }
        }
    }
}
