package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a script meets it: a separate JVM, its stdout read line by line, stopped with SIGTERM, judged by
 * its exit code.
 */
class RealProcessTest {
    private static final Pattern FORWARDING = Pattern.compile("Forwarding +(http://\\S+):(\\d+) -> .*");
    private static final Pattern HTTP_PORT = Pattern.compile("http port: (\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void devServesThenDrainsAndExitsZeroOnSigterm() throws Exception {
        Process process = BurrowProcess.start(dataDir, "dev", "--http-port", "0", "--data-dir", dataDir.toString(), "--subdomain", "proc",
                "--log", "stderr", "--log-level", "warn");
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            Matcher forwarding = BurrowProcess.awaitLine(out, FORWARDING);
            int port = Integer.parseInt(forwarding.group(2));

            assertThat(forwarding.group(1)).isEqualTo("http://proc.localhost");
            assertThat(RawHttp.get(new InetSocketAddress("127.0.0.1", port), "http://proc.localhost:" + port, "/p"))
                    .startsWith("HTTP/1.1 200").contains("Hello from Burrow");

            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void edgeStopsCleanlyOnSigterm() throws Exception {
        Process process = BurrowProcess.start(dataDir, "edge", "--domain", "example.test", "--agent-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
                "--http-addr", "127.0.0.1:0", "--data-dir", dataDir.toString(), "--log-level", "warn");
        try (BufferedReader out = BurrowProcess.stdout(process)) {
            BurrowProcess.awaitLine(out, HTTP_PORT);

            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void unknownOptionExitsTwoWithOneLine() throws Exception {
        Process process = BurrowProcess.start(dataDir, "http", "8080", "--no-such-option");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = java.nio.file.Files.readString(dataDir.resolve("stderr.txt"));

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err).contains("--no-such-option");
    }
}
