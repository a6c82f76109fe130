package dev.burrow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whatever bytes {@code burrow.yml} holds, {@link AgentConfigFile#load} gives a config or a {@link ConfigException}
 * whose message names the file (and the line, where there is one) as the CLI prints it; any other exception is a
 * stack trace in front of a user who mistyped.
 */
class AgentConfigFileFuzzTest {
    private static final Path FILE = temporaryFile();
    private static final Pattern BLAMED = Pattern.compile(Pattern.quote(FILE.toString()) + "(:\\d+)?: \\S.*",
            Pattern.DOTALL);

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("burrow", ".yml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void readsOrBlamesTheFile(byte[] text) throws IOException {
        Files.write(FILE, text);
        try {
            assertThat(AgentConfigFile.load(FILE)).isNotNull();
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).matches(BLAMED);
        }
    }
}
