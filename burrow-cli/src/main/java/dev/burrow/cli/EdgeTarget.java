package dev.burrow.cli;

import dev.burrow.agent.config.AgentConfig;
import dev.burrow.tls.ServerTrust;
import dev.burrow.transport.HostPort;
import java.nio.file.Path;

/** Which edge the agent dials and how it recognises it: flags first, then the config file, then defaults. */
record EdgeTarget(HostPort server, ServerTrust trust) {
    static final HostPort DEFAULT_SERVER = new HostPort("localhost", 4443);

    /**
     * @param serverFlag {@code --server}, or null
     * @param trustFlags {@code --server-ca} / {@code --server-fingerprint}, or null when neither was given
     * @throws CommandFailure naming the file and key when a value from the config file is unusable
     */
    static EdgeTarget resolve(HostPort serverFlag, EdgeTrustOptions trustFlags, AgentConfig file, Path filePath) {
        HostPort server = serverFlag != null ? serverFlag : fromFile(file, filePath);
        ServerTrust trust = trustFlags != null ? fromFlags(trustFlags) : trustFromFile(file, filePath);
        return new EdgeTarget(server, trust);
    }

    private static HostPort fromFile(AgentConfig file, Path filePath) {
        if (file.serverAddr() == null) {
            return DEFAULT_SERVER;
        }
        try {
            return HostPort.parse(file.serverAddr());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(filePath + ": server_addr: " + e.getMessage());
        }
    }

    private static ServerTrust fromFlags(EdgeTrustOptions flags) {
        return flags.caFile != null ? ServerTrust.caFile(flags.caFile) : ServerTrust.fingerprint(flags.fingerprint);
    }

    private static ServerTrust trustFromFile(AgentConfig file, Path filePath) {
        if (file.serverCa() != null && file.serverFingerprint() != null) {
            throw new CommandFailure(filePath + ": set server_ca or server_fingerprint, not both");
        }
        try {
            if (file.serverCa() != null) {
                // Relative to the file rather than to wherever the agent happens to be started.
                Path dir = filePath.toAbsolutePath().getParent();
                return ServerTrust.caFile(dir.resolve(file.serverCa()));
            }
            if (file.serverFingerprint() != null) {
                return ServerTrust.fingerprint(file.serverFingerprint());
            }
        } catch (RuntimeException e) {
            String key = file.serverCa() != null ? "server_ca" : "server_fingerprint";
            throw new CommandFailure(filePath + ": " + key + ": " + e.getMessage());
        }
        return ServerTrust.system();
    }
}
