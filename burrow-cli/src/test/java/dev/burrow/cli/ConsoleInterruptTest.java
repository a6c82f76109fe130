package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C in the full-screen console, typed into a real pseudo-terminal ({@code script} makes one): the terminal
 * turns it into SIGINT for the agent, which must drain as on SIGTERM, not die.
 */
class ConsoleInterruptTest {
    @TempDir
    Path dir;
    Edge edge;
    final ListAppender<ILoggingEvent> sessionEnds = new ListAppender<>();
    final Logger sessionLog = (Logger) LoggerFactory.getLogger("dev.burrow.edge.SessionEnd");

    @BeforeEach
    void setUp() {
        edge = Edge.start(EdgeConfig.builder("burrow.test", dir.resolve("edge"))
                .agentAddress(new InetSocketAddress("127.0.0.1", 0))
                .httpAddress(new InetSocketAddress("127.0.0.1", 0)).build());
        sessionEnds.start();
        sessionLog.addAppender(sessionEnds);
    }

    @AfterEach
    void tearDown() {
        sessionLog.detachAppender(sessionEnds);
        edge.close();
    }

    @Test
    void ctrlCInTheConsoleDrainsTheAgentAndExitsZero() throws Exception {
        String token = edge.store().tokens().create("laptop").token();
        String agent = String.join(" ", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BurrowCommand.class.getName(), "http", "9",
                "--server", "127.0.0.1:" + edge.agentAddress().getPort(), "--authtoken", token,
                "--server-fingerprint", edge.certificateFingerprint(), "--inspect=false",
                "--config", dir.resolve("burrow.yml").toString()));
        // script(1) runs the command through $SHELL; exec makes the agent the terminal's only process, since a shell
        // left waiting (dash, where /bin/sh is dash) dies of the same Ctrl-C and script reports 130 for it.
        ProcessBuilder terminal = new ProcessBuilder("script", "-qfec", "exec " + agent, "/dev/null")
                .redirectOutput(dir.resolve("screen.txt").toFile()).redirectErrorStream(true);
        // Without a terminal type the agent rightly falls back to plain lines; the live console is what is tested.
        terminal.environment().put("TERM", "xterm");
        Process console = terminal.start();
        try {
            // The screen is drawn once the stop hook is in place, as a script's signal on seeing it is honoured.
            await().atMost(Duration.ofSeconds(30)).alias("the console shows the tunnel")
                    .failFast("the agent ended before its tunnel was bound", () -> !console.isAlive())
                    .until(() -> edge.tunnels().size() == 1
                            && Files.readString(dir.resolve("screen.txt")).contains("burrow.test"));
            OutputStream keyboard = console.getOutputStream();
            keyboard.write(3);
            keyboard.flush();

            assertThat(console.waitFor(30, TimeUnit.SECONDS))
                    .as("the agent ended after Ctrl-C; its screen:%n%s", Files.readString(dir.resolve("screen.txt")))
                    .isTrue();
            assertThat(console.exitValue()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> !sessionEnds.list.isEmpty());
            assertThat(sessionEnds.list.get(0).getKeyValuePairs().toString()).contains("reason=\"agent_drained\"");
        } finally {
            console.destroyForcibly();
        }
    }
}
