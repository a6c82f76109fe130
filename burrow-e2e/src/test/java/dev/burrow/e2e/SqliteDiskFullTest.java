package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.store.StoreException;
import dev.burrow.store.TokenScope;
import dev.burrow.store.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under the edge's SQLite store fills up while tunnels carry traffic: tunnels keep serving, the edge says
 * plainly that the disk is full, and once space is freed the usage counted meanwhile reaches the store. The disk is a
 * small tmpfs the test mounts, which needs root (as tests run on CI); elsewhere the test is skipped.
 */
class SqliteDiskFullTest {
    /** Room for the schema, the certificate and a write-ahead log, little more. */
    private static final String DISK_SIZE = "4m";

    @TempDir
    Path tempDir;
    private Path disk;
    private boolean mounted;
    private final TestUpstream upstream = new TestUpstream();
    private final FaultWatch watch = new FaultWatch();
    private TunnelHarness harness;

    SqliteDiskFullTest() throws Exception {
    }

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectory(tempDir.resolve("disk"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=" + DISK_SIZE, "tmpfs", disk.toString()) == 0;
        assumeTrue(mounted, "mounting a small tmpfs for a full disk needs root (mount -t tmpfs was refused)");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (harness != null) {
                harness.close();
            }
            upstream.close();
            watch.assertClean();
            watch.close();
        } finally {
            if (mounted) {
                assertThat(run("umount", disk.toString())).as("umount").isZero();
            }
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Test
    void tunnelsServeWhileTheDiskIsFullAndUsageIsRecordedOnceThereIsRoom() throws Exception {
        harness = new TunnelHarness(disk.resolve("data"));
        harness.edge.store().accounts().create("team", "free");
        String token = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("full"));
        assertThat(harness.get("full.burrow.test", "/before").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsStored() == 1);

        try (LogLines usageLog = new LogLines("dev.burrow.edge.UsageMeter")) {
            Path filler = fill(disk.resolve("filler"));

            int during = 20;
            for (int i = 0; i < during; i++) {
                assertThat(harness.get("full.burrow.test", "/during").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(usageLog.events())
                    .extracting(e -> e.getFormattedMessage())
                    .anySatisfy(line -> assertThat(line).contains("could not record usage").contains("full")));
            assertThatThrownBy(() -> harness.edge.store().tokens().create("team", "another", TokenScope.ANY))
                    .isInstanceOf(StoreException.class).hasMessageContaining("full");
            assertThat(harness.get("full.burrow.test", "/still").statusCode()).isEqualTo(200);
            assertThat(agent.stopped()).isNotDone();

            Files.delete(filler);

            await().atMost(Duration.ofSeconds(30)).until(() -> requestsStored() == 1 + during + 1);
        }
        harness.edge.store().tokens().create("team", "another", TokenScope.ANY);
        assertThat(harness.get("full.burrow.test", "/after").statusCode()).isEqualTo(200);
    }

    /** Writes zeros to {@code file} until the disk refuses more, which a tmpfs of {@value #DISK_SIZE} bounds. */
    private static Path fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
        return file;
    }

    private long requestsStored() {
        return harness.edge.store().usage().of("team", Usage.periodOf(Instant.now())).requests();
    }
}
