package dev.burrow.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: a cluster made with the installed {@code initdb} in a temporary
 * directory, listening on a free loopback port with trust authentication, started once per test JVM and stopped
 * when it exits. Each caller gets a fresh database. Run as root, the server runs as the {@code postgres} user, since
 * PostgreSQL refuses to run as root.
 */
public final class PostgresCluster {
    private static final String SUPERUSER = "burrow";
    private static PostgresCluster instance;

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path bin, Path dataDir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The running cluster, started on first use; fails if PostgreSQL is not installed. */
    public static synchronized PostgresCluster get() throws IOException, InterruptedException {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /** A JDBC URL of a new, empty database. */
    public String newDatabase() throws SQLException {
        String name = "burrow_test_" + databases.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(url("postgres"), SUPERUSER, null);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String user() {
        return SUPERUSER;
    }

    /** A new, empty database as the edge is given one. */
    public DatabaseUrl newDatabaseUrl() throws SQLException {
        return new DatabaseUrl(newDatabase(), SUPERUSER, null);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = installedBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dataDir = Files.createTempDirectory("burrow-pg");
        if (root) {
            run(List.of("chown", "postgres:postgres", dataDir.toString()), false);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        PostgresCluster cluster = new PostgresCluster(bin, dataDir, port, root);
        cluster.pgRun("initdb", "-D", dataDir.toString(), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                "-E", "UTF8");
        cluster.startServer();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        return cluster;
    }

    /**
     * Starts the server again after {@link #stopServer()}, on the same port with the same databases; returns once
     * it accepts connections.
     */
    public void startServer() throws IOException, InterruptedException {
        pgRun("pg_ctl", "-D", dataDir.toString(), "-w", "-t", "60", "-l", dataDir.resolve("log").toString(),
                "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    /**
     * Stops the server as an operator's {@code pg_ctl stop} does (fast mode: open sessions are ended), for a test of
     * what its clients do while the database is down. Tests share the cluster, so such a test starts it again.
     */
    public void stopServer() throws IOException, InterruptedException {
        pgRun("pg_ctl", "-D", dataDir.toString(), "-w", "-t", "60", "-m", "fast", "stop");
    }

    private void stop() {
        try {
            pgRun("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "stop");
        } catch (IOException | InterruptedException e) {
            // Exiting anyway; the directory below still goes.
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    private void pgRun(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve(tool).toString()));
        command.addAll(List.of(args));
        run(command, asPostgresUser);
    }

    private static void run(List<String> command, boolean asPostgresUser) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        // To a file, not a pipe: the server that pg_ctl starts inherits the output and outlives the command.
        Path output = Files.createTempFile("burrow-pg", ".out");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", full) + " failed: " + Files.readString(output));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The bin directory of the newest PostgreSQL installed the Debian way. */
    private static Path installedBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("PostgreSQL is not installed (no /usr/lib/postgresql); install the postgresql"
                    + " package, as .ci/run does");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IOException("no initdb under " + root));
        }
    }
}
