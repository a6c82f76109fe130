package dev.burrow.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** These tests reconfigure the process-wide logging, and put the bundled logback.xml back afterwards. */
class LogSetupTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreDefaultConfiguration() throws JoranException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void fileTargetAppendsJsonLines() throws IOException {
        Path file = dir.resolve("logs/burrow.log");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"earlier\":true}\n");

        LogSetup.configure(file.toString(), Level.INFO, LogFormat.JSON);
        Logger logger = LoggerFactory.getLogger("dev.burrow.edge.Edge");
        logger.atInfo().addKeyValue("name", "calm-otter-42").log("tunnel started");
        logger.debug("below the level");

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("{\"earlier\":true}");
        JsonNode line = new ObjectMapper().readTree(lines.get(1));
        assertThat(line.get("msg").asText()).isEqualTo("tunnel started");
        assertThat(line.get("name").asText()).isEqualTo("calm-otter-42");
    }

    @Test
    void fileTargetCreatesMissingDirectories() throws IOException {
        Path file = dir.resolve("a/b/burrow.log");

        LogSetup.configure(file.toString(), Level.INFO, LogFormat.LOGFMT);
        LoggerFactory.getLogger("x").info("hello");

        assertThat(Files.readString(file)).endsWith(" lvl=info logger=x msg=hello\n");
    }

    @Test
    void unopenableFileIsReportedInsteadOfSilentlyDroppingLogs() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain"), "");

        assertThatThrownBy(() -> LogSetup.configure(notADirectory.resolve("x.log").toString(), Level.INFO, LogFormat.LOGFMT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.log");
    }

    @Test
    void noisyLibrariesStayAtWarnEvenWhenDebugIsRequested() throws IOException {
        Path file = dir.resolve("burrow.log");

        LogSetup.configure(file.toString(), Level.DEBUG, LogFormat.LOGFMT);
        LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline").info("netty chatter");
        LoggerFactory.getLogger("org.flywaydb.core.Flyway").info("flyway chatter");
        LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource").info("pool chatter");
        LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector").warn("leak");
        LoggerFactory.getLogger("dev.burrow.agent.Agent").debug("ours");

        String text = Files.readString(file);
        assertThat(text).doesNotContain("chatter").contains("msg=leak").contains("msg=ours");
    }

    @Test
    void stricterRequestedLevelAlsoAppliesToNoisyLibraries() throws IOException {
        Path file = dir.resolve("burrow.log");

        LogSetup.configure(file.toString(), Level.ERROR, LogFormat.LOGFMT);
        LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector").warn("leak");
        LoggerFactory.getLogger("dev.burrow.agent.Agent").warn("ours");
        LoggerFactory.getLogger("dev.burrow.agent.Agent").error("failed");

        assertThat(Files.readString(file)).doesNotContain("leak").doesNotContain("ours").contains("msg=failed");
    }

    @Test
    void stdoutTargetWritesToStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LogSetup.configure("stdout", Level.INFO, LogFormat.LOGFMT);
            LoggerFactory.getLogger("x").info("to stdout");
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).endsWith("lvl=info logger=x msg=\"to stdout\"\n");
    }
}
