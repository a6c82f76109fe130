package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BurrowCommandTest {

    @Test
    void versionPrintsNameAndVersion() {
        Cli.Result result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("burrow " + Version.get() + System.lineSeparator());
        assertThat(result.err()).isEmpty();
    }

    static Stream<String> commands() {
        return Stream.of("", "http", "dev", "edge", "edge token", "edge token create", "edge token list",
                "edge token revoke", "config", "config add-authtoken", "config check");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelp(String command) {
        String[] args = Stream.concat(Arrays.stream(command.split(" ")).filter(s -> !s.isEmpty()), Stream.of("--help"))
                .toArray(String[]::new);

        Cli.Result result = Cli.run(args);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: burrow" + (command.isEmpty() ? "" : " " + command));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void topLevelHelpDocumentsExitCodes() {
        assertThat(Cli.run("--help").out())
                .contains("Exit codes:")
                .contains("3  refused by the edge")
                .contains("4  the edge's certificate failed verification");
    }

    @Test
    void unknownOptionIsAOneLineUsageError() {
        Cli.Result result = Cli.run("http", "8080", "--no-such-option");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("burrow: ").contains("--no-such-option").hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void misspeltCommandGetsASuggestion() {
        Cli.Result result = Cli.run("htp");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("did you mean http?").hasLineCount(1);
    }

    @Test
    void badDurationIsAUsageError() {
        Cli.Result result = Cli.run("http", "8080", "--response-timeout", "soon");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'soon' is not a duration").hasLineCount(1);
    }

    @Test
    void unusableLogFileIsAUsageError(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.createFile(dir.resolve("file"));

        Cli.Result result = Cli.run("edge", "token", "list", "--data-dir", dir.resolve("edge").toString(),
                "--log", notADirectory.resolve("burrow.log").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("burrow: cannot open log file").hasLineCount(1);
    }

    @Test
    void commandGroupAloneShowsUsageAsAUsageError() {
        Cli.Result result = Cli.run("config");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Usage: burrow config");
    }
}
