package dev.burrow.junit;

import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.tls.ServerTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An edge for one test class or test: on loopback ephemeral ports, with its data in a temporary directory that
 * {@link #close()} deletes, and one authtoken for the extension's agent.
 *
 * <p>Its domain is {@code localhost}, so tunnel URLs read {@code http://NAME.localhost:PORT}: curl and browsers send
 * such names to loopback on their own, and the extension's HTTP client sends them to {@link #httpAddress()}.
 */
final class EmbeddedEdge implements AutoCloseable {
    static final String DOMAIN = "localhost";
    private static final String LOOPBACK = "127.0.0.1";
    /** Nothing outlives a test: in-flight requests get a short grace, not the edge's default of 30 seconds. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    private final Path dataDir;
    private final Edge edge;
    private final String authtoken;

    private EmbeddedEdge(Path dataDir, Edge edge, String authtoken) {
        this.dataDir = dataDir;
        this.edge = edge;
        this.authtoken = authtoken;
    }

    static EmbeddedEdge start() {
        Path dataDir = createDataDir();
        Edge edge = null;
        try {
            edge = Edge.start(EdgeConfig.builder(DOMAIN, dataDir)
                    .agentAddress(new InetSocketAddress(LOOPBACK, 0))
                    .httpAddress(new InetSocketAddress(LOOPBACK, 0))
                    .drainGrace(DRAIN_GRACE)
                    .build());
            return new EmbeddedEdge(dataDir, edge, edge.store().tokens().create("burrow-junit").token());
        } catch (RuntimeException | Error e) {
            if (edge != null) {
                edge.close();
            }
            delete(dataDir);
            throw e;
        }
    }

    /** The agent port, as {@code host:port}. */
    String agentAddress() {
        return LOOPBACK + ":" + edge.agentAddress().getPort();
    }

    /** Its certificate is self-signed: the agent pins it. */
    ServerTrust trust() {
        return ServerTrust.fingerprint(edge.certificateFingerprint());
    }

    String authtoken() {
        return authtoken;
    }

    /** Where public HTTP requests for every tunnel of this edge arrive. */
    InetSocketAddress httpAddress() {
        return edge.httpAddress();
    }

    @Override
    public void close() {
        try {
            edge.close();
        } finally {
            delete(dataDir);
        }
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("burrow-junit-edge");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded edge's data directory", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded edge's data directory " + dir, e);
        }
    }
}
