package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a real burrow process logs, as a script or a log shipper reads it. */
class LoggingProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Test
    void jsonLogsOnStdoutLeaveStdoutJsonOnlyAndTheForwardingLineIsAnEventThere() throws Exception {
        Process process = BurrowProcess.start(dir, "dev", "--http-port", "0", "--data-dir", dir.resolve("data")
                .toString(), "--log", "stdout", "--log-format", "json");
        try {
            BufferedReader out = BurrowProcess.stdout(process);
            List<JsonNode> events = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode event = JSON.readTree(line);
                assertThat(event.isObject()).as(line).isTrue();
                events.add(event);
                if (event.path("msg").asText().startsWith("Forwarding")) {
                    break;
                }
            }
            assertThat(events).last().satisfies(forwarding -> {
                assertThat(forwarding.path("logger").asText()).isEqualTo("console");
                assertThat(forwarding.path("lvl").asText()).isEqualTo("info");
                assertThat(forwarding.path("msg").asText()).matches("Forwarding +http://\\S+ -> .*");
            });
            assertThat(events).anySatisfy(e -> assertThat(e.path("logger").asText()).isEqualTo("Edge"));
        } finally {
            stop(process);
        }
    }

    @Test
    void aLogbackConfigurationOfTheUsersOwnIsHonoured() throws Exception {
        Path custom = dir.resolve("custom.log");
        Path config = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>CUSTOM %%level %%logger{0} %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="info"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(custom));
        Process process = BurrowProcess.start(List.of("env", "JAVA_TOOL_OPTIONS=-Dlogback.configurationFile="
                + config), dir, "dev", "--http-port", "0", "--data-dir", dir.resolve("data").toString());
        try {
            BurrowProcess.awaitLine(BurrowProcess.stdout(process), Pattern.compile("Forwarding +http://\\S+ -> .*"));
        } finally {
            stop(process);
        }

        assertThat(Files.readString(custom)).contains("CUSTOM INFO Edge edge listening");
        assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("lvl=info");
    }
}
