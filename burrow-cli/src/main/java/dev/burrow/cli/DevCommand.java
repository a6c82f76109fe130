package dev.burrow.cli;

import dev.burrow.agent.AgentListener;
import dev.burrow.agent.Upstream;
import dev.burrow.transport.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "dev",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Try burrow on this machine with no setup: runs an edge on loopback and an agent in one process.",
            "Without UPSTREAM it exposes a built-in demo page. Ctrl-C stops both and exits 0."})
final class DevCommand implements Callable<Integer> {
    private static final int DEFAULT_HTTP_PORT = 8080;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "UPSTREAM",
            description = "The local service: 8080, host:port, http://host:port or https://host:port"
                    + " (default: a demo page).")
    Upstream upstream;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "The edge's HTTP port on 127.0.0.1 (default: " + DEFAULT_HTTP_PORT
                    + ", or a free port if that is taken).")
    Integer httpPort;

    @Option(names = "--subdomain", paramLabel = "NAME",
            description = "Ask for NAME.localhost (default: a random readable name).")
    String subdomain;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The dev edge's database, certificate and agent token"
                    + " (default: burrow/dev under $XDG_DATA_HOME, else under ~/.local/share).")
    Path dataDir;

    @Mixin
    InspectOptions inspect;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConsoleListener events = new ConsoleListener(out);
        try (DevSession session = start(events)) {
            // Announced only once the stop hook is in place, so a script that signals on seeing it is honoured.
            return GracefulShutdown.whileWaiting(session::close, out, err, () -> {
                out.println("Forwarding  " + session.url() + " -> " + session.upstream());
                if (session.inspectorUrl() != null) {
                    out.println("Inspector   " + session.inspectorUrl());
                }
                out.println("Try: curl " + session.url() + "/");
                out.flush();
                return events.awaitStop(session.agent());
            });
        }
    }

    DevSession start(AgentListener listener) throws IOException {
        int port = httpPort != null ? httpPort : DEFAULT_HTTP_PORT;
        HostPort http = new HostPort(DevSession.LOOPBACK, port);
        if (httpPort != null) {
            Ports.requireBindable(http, "--http-port");
        } else if (Ports.whyNotBindable(http.toSocketAddress()).isPresent()) {
            spec.commandLine().getErr().println("port " + port + " is taken; using a free port instead");
            spec.commandLine().getErr().flush();
            port = 0;
        }
        return DevSession.start(dataDir != null ? dataDir : DataDirs.defaultFor("dev"), port, upstream, subdomain,
                listener, inspect);
    }
}
