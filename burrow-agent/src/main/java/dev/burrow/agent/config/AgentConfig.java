package dev.burrow.agent.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's per-user settings as stored in {@code burrow.yml}. Every field is optional, so a missing
 * file and an empty file both mean "no settings". {@link AgentConfigFile} rejects keys that have no component
 * here.
 *
 * @param version format version of the file, written as {@link #CURRENT_VERSION} when the agent saves it
 * @param authtoken credential presented to the edge
 * @param serverAddr edge control address, {@code host:port}
 * @param serverCa path to a PEM file with the CA that signed the edge's certificate
 * @param serverFingerprint pinned SHA-256 fingerprint of the edge's certificate
 * @param tunnels named tunnels for {@code burrow start}, in the file's order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentConfig(
        Integer version, String authtoken, String serverAddr, String serverCa, String serverFingerprint,
        LinkedHashMap<String, TunnelDefinition> tunnels) {

    public static final int CURRENT_VERSION = 1;

    /** The named tunnels, empty when the file has none. */
    public Map<String, TunnelDefinition> tunnelsByName() {
        return tunnels == null ? Map.of() : Collections.unmodifiableMap(tunnels);
    }

    public static AgentConfig empty() {
        return new AgentConfig(null, null, null, null, null, null);
    }

    public AgentConfig withAuthtoken(String newAuthtoken) {
        return new AgentConfig(version, newAuthtoken, serverAddr, serverCa, serverFingerprint, tunnels);
    }

    public AgentConfig withVersion(Integer newVersion) {
        return new AgentConfig(newVersion, authtoken, serverAddr, serverCa, serverFingerprint, tunnels);
    }
}
