package dev.burrow.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whatever bytes the edge's config file holds, {@link EdgeConfigFile#load} gives the settings or a
 * {@link ConfigException} whose message names the file (and the line, where there is one); any other exception is a
 * stack trace in front of an operator who mistyped.
 */
class EdgeConfigFileFuzzTest {
    /** Options of each kind the file may set: values, a switch, a repeatable one. */
    private static final Map<String, Boolean> OPTIONS = Map.of("--domain", false, "--http-addr", false,
            "--trusted-proxy", false, "--metrics-public", true, "--drain-grace", false);
    private static final Path FILE = temporaryFile();
    private static final Pattern BLAMED = Pattern.compile(Pattern.quote(FILE.toString()) + "(:\\d+)?: \\S.*",
            Pattern.DOTALL);

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("edge", ".yml");
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
            EdgeConfigFile file = EdgeConfigFile.load(FILE, OPTIONS);
            assertThat(file.arguments()).allMatch(argument -> OPTIONS.containsKey(argument.split("=", 2)[0]));
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).matches(BLAMED);
        }
    }
}
