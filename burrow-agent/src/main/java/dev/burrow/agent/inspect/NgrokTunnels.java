package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The agent's tunnels as ngrok's agent API names and shows them. A tunnel started without a name ({@code burrow
 * http}, or from Java) is called {@code command_line}, as ngrok calls the tunnel of its command line; a second one
 * {@code command_line_2}, and so on, skipping names that named tunnels hold.
 */
final class NgrokTunnels {
    static final String UNNAMED = "command_line";

    private final Agent agent;

    NgrokTunnels(Agent agent) {
        this.agent = agent;
    }

    /** Every running tunnel by its name here, in the agent's order. */
    Map<String, AgentTunnel> byName() {
        Set<String> taken = new HashSet<>();
        agent.tunnels().forEach(tunnel -> {
            if (tunnel.name() != null) {
                taken.add(tunnel.name());
            }
        });
        Map<String, AgentTunnel> named = new LinkedHashMap<>();
        int unnamed = 0;
        for (AgentTunnel tunnel : agent.tunnels()) {
            String name = tunnel.name();
            while (name == null) {
                unnamed++;
                String candidate = unnamed == 1 ? UNNAMED : UNNAMED + "_" + unnamed;
                name = taken.contains(candidate) ? null : candidate;
            }
            named.put(name, tunnel);
        }
        return named;
    }

    /** The name of the running tunnel whose public URL is {@code url}, or null if none runs there now. */
    String nameOf(String url) {
        for (Map.Entry<String, AgentTunnel> tunnel : byName().entrySet()) {
            if (tunnel.getValue().url().equals(url)) {
                return tunnel.getKey();
            }
        }
        return null;
    }

    /**
     * Adds ngrok's fields to {@code item}: {@code name}, {@code uri}, {@code public_url}, {@code proto} (the URL's
     * scheme, as ngrok names a tunnel's protocol) and {@code config} with {@code addr} (where it forwards) and
     * {@code inspect} (whether its exchanges are recorded: HTTP tunnels of an agent that records).
     */
    ObjectNode describe(String name, AgentTunnel tunnel, ObjectNode item) {
        item.put("name", name);
        item.put("uri", "/api/tunnels/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        item.put("public_url", tunnel.url());
        String proto = URI.create(tunnel.url()).getScheme();
        item.put("proto", proto);
        ObjectNode config = item.putObject("config");
        config.put("addr", tunnel.forwardsTo());
        config.put("inspect", agent.exchangeLog() != null && proto.startsWith("http"));
        return item;
    }
}
