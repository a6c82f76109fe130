package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.config.TunnelDefinition;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The named tunnels one agent runs, brought to a wanted set as a difference: a tunnel whose definition is unchanged
 * keeps running, one whose traffic policy alone changed gets the new policy in place (address and connections
 * kept), one no longer wanted stops, a new one starts, a changed one stops and starts again (its old name or port is
 * freed first, so it can be asked for again). The connection to the edge is never touched.
 */
final class RunningTunnels {
    private record Running(TunnelDefinition definition, AgentTunnel tunnel) {
    }

    private final Agent agent;
    private final PrintWriter out;
    private final Map<String, Running> byName = new LinkedHashMap<>();

    RunningTunnels(Agent agent, PrintWriter out) {
        this.agent = agent;
        this.out = out;
    }

    /**
     * Starts and stops tunnels until exactly {@code wanted} runs.
     *
     * @throws AgentException if a tunnel cannot be bound; those started before it keep running
     */
    synchronized void apply(Map<String, TunnelDefinition> wanted) {
        bring(wanted, null);
    }

    /**
     * As {@link #apply}, for a reload: a tunnel the edge will not bind is told to {@code refused}, saying whether it
     * was running before the reload stopped it to apply its change, and the others are brought as wanted.
     */
    synchronized void reload(Map<String, TunnelDefinition> wanted, Consumer<String> refused) {
        bring(wanted, refused);
    }

    private void bring(Map<String, TunnelDefinition> wanted, Consumer<String> refused) {
        List<String> stopping = new ArrayList<>();
        for (Map.Entry<String, Running> entry : byName.entrySet()) {
            Running running = entry.getValue();
            TunnelDefinition next = wanted.get(entry.getKey());
            if (running.definition().differsOnlyInPolicy(next)) {
                running.tunnel().updateTrafficPolicy(next.policyText());
                entry.setValue(new Running(next, running.tunnel()));
                line("policy   " + entry.getKey() + " updated");
            } else if (!running.definition().equals(next)) {
                stopping.add(entry.getKey());
            }
        }
        for (String name : stopping) {
            byName.remove(name).tunnel().close();
            if (!wanted.containsKey(name)) {
                line("stopped  " + name);
            }
        }
        wanted.forEach((name, definition) -> {
            if (byName.containsKey(name)) {
                return;
            }
            AgentTunnel tunnel;
            try {
                tunnel = agent.bind(name, definition.toOptions());
            } catch (AgentException e) {
                if (refused == null) {
                    throw e;
                }
                refused.accept(stopping.contains(name)
                        ? name + " was stopped to apply its change and could not start again: " + e.getMessage()
                        + "; it stays stopped until a reload starts it"
                        : name + " could not start: " + e.getMessage());
                return;
            }
            byName.put(name, new Running(definition, tunnel));
            line("Forwarding  " + tunnel.url() + " -> " + tunnel.forwardsTo() + "  (" + name + ")");
        });
    }

    private void line(String text) {
        out.println(text);
        out.flush();
    }
}
