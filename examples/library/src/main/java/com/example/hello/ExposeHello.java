package com.example.hello;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.tls.ServerTrust;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts {@link HelloService} and gives it a public URL through an edge, until the process is stopped.
 *
 * <pre>
 * java com.example.hello.ExposeHello --edge edge.example.test:4443 --authtoken brw_... --fingerprint AB:CD:...
 * </pre>
 *
 * Each flag may come from the environment instead: {@code BURROW_EDGE}, {@code BURROW_AUTHTOKEN},
 * {@code BURROW_FINGERPRINT} or {@code BURROW_CA} (a PEM file); with neither of the last two the edge's certificate is
 * checked against the JDK's CAs.
 */
public final class ExposeHello {
    private ExposeHello() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        try (HelloService service = HelloService.start(0)) {
            Agent agent = Agent.builder()
                    .edge(required(flags, "edge", "BURROW_EDGE"))
                    .authtoken(required(flags, "authtoken", "BURROW_AUTHTOKEN"))
                    .trust(trust(flags))
                    .build()
                    .start();
            // Ctrl-C: close frees the public name at the edge at once instead of when the edge notices.
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
            AgentTunnel tunnel = agent.http(HttpTunnelOptions.to("127.0.0.1:" + service.port()));
            System.out.println("hello is at " + tunnel.url());
            AgentException stopped = agent.stopped().join();
            if (stopped != null) {
                System.err.println("the agent stopped: " + stopped.getMessage());
                System.exit(1);
            }
        }
    }

    private static ServerTrust trust(Map<String, String> flags) {
        String fingerprint = optional(flags, "fingerprint", "BURROW_FINGERPRINT");
        if (fingerprint != null) {
            return ServerTrust.fingerprint(fingerprint);
        }
        String ca = optional(flags, "ca", "BURROW_CA");
        return ca != null ? ServerTrust.caFile(Path.of(ca)) : ServerTrust.system();
    }

    private static String required(Map<String, String> flags, String flag, String variable) {
        String value = optional(flags, flag, variable);
        if (value == null) {
            throw new IllegalArgumentException("give --" + flag + " or set " + variable);
        }
        return value;
    }

    private static String optional(Map<String, String> flags, String flag, String variable) {
        String value = flags.getOrDefault(flag, System.getenv(variable));
        return value == null || value.isBlank() ? null : value;
    }

    /** {@code --name value} pairs. */
    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --flag value pairs, got " + String.join(" ", args));
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        return flags;
    }
}
