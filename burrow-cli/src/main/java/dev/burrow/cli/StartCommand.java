package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.inspect.InspectorServer;
import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.AgentConfigFile;
import dev.burrow.config.ConfigException;
import dev.burrow.agent.config.TunnelDefinition;
import dev.burrow.logging.LogSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Start tunnels named in the config file, all in one agent over one connection to the edge.",
            "On SIGHUP the file is read again and the difference applied: tunnels added, removed or changed"
                    + " start, stop or restart; the others and the connection carry on. SIGTERM or Ctrl-C exits 0."})
final class StartCommand implements Callable<Integer> {
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Mixin
    EdgeConnectionOptions edge;

    @Mixin
    InspectOptions inspect;

    @Mixin
    LoggingOptions logging;

    /** Which tunnels of the file to run. */
    static final class Selection {
        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Tunnels to start, by their names in the file.")
        List<String> names;

        @Option(names = "--all", required = true, description = "Start every tunnel in the file.")
        boolean all;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, TunnelDefinition> wanted = selected(AgentConfigFile.load(edge.config.path()));
        LiveConsole live = LiveConsole.openIfTerminal();
        if (live != null && logging.toConsole()) {
            LogSetup.silence();
        }
        PrintWriter lines = live == null ? out : new PrintWriter(Writer.nullWriter());
        ConsoleListener events = new ConsoleListener(lines);
        try (LiveConsole screen = live;
             Agent agent = inspect.apply(edge.agentBuilder(spec.commandLine()))
                     .listener(live == null ? events : AgentListener.all(events, live))
                     .drainGrace(DRAIN_GRACE).build().start();
             InspectorServer inspector = inspect.start(agent)) {
            RunningTunnels running = new RunningTunnels(agent, lines);
            running.apply(wanted);
            if (inspector != null) {
                lines.println("Inspector   " + inspector.url());
                lines.flush();
            }
            Consumer<String> problems = live == null ? text -> {
                err.println("burrow: " + text);
                err.flush();
            } : live::notice;
            Runnable stop = live == null ? agent::close : () -> {
                agent.close();
                live.close();
            };
            try (ConfigReload reload = ConfigReload.onHangup("reading the config file again",
                    () -> reload(running, problems))) {
                return GracefulShutdown.whileWaiting(stop, out, err, () -> {
                    if (live != null) {
                        live.show(agent, inspector == null ? null : inspector.url());
                    }
                    return events.awaitStop(agent);
                });
            }
        }
    }

    /**
     * Applies the file as it is now; a file that no longer reads leaves the running tunnels as they are, and a tunnel
     * the edge refuses is named with why, the rest applied.
     */
    private void reload(RunningTunnels running, Consumer<String> problems) {
        Map<String, TunnelDefinition> wanted;
        try {
            wanted = selected(AgentConfigFile.load(edge.config.path()));
        } catch (IOException | RuntimeException e) {
            problems.accept("config not reloaded, the running tunnels stay as they were: " + e.getMessage());
            return;
        }
        try {
            running.reload(wanted, problems);
        } catch (RuntimeException e) {
            problems.accept("reload stopped part way: " + e.getMessage());
        }
    }

    /** The tunnels this run is asked for, by name and in the file's order, their traffic policies compiled. */
    private Map<String, TunnelDefinition> selected(AgentConfig file) throws ConfigException {
        Map<String, TunnelDefinition> chosen = chosen(file);
        PolicyOptions.checkDefinitions(edge.config.path(), chosen);
        return chosen;
    }

    private Map<String, TunnelDefinition> chosen(AgentConfig file) {
        Map<String, TunnelDefinition> defined = file.tunnelsByName();
        if (selection.all) {
            if (defined.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no tunnels in " + edge.config.path()
                        + "; add a 'tunnels:' section (see 'burrow start --help')");
            }
            return defined;
        }
        List<String> unknown = new ArrayList<>();
        Map<String, TunnelDefinition> chosen = new LinkedHashMap<>();
        for (String name : selection.names) {
            TunnelDefinition definition = defined.get(name);
            if (definition == null) {
                unknown.add(name);
            } else {
                chosen.put(name, definition);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no tunnel named " + String.join(", ", unknown)
                    + " in " + edge.config.path() + (defined.isEmpty() ? "" : "; it has "
                    + String.join(", ", defined.keySet())));
        }
        return chosen;
    }
}
