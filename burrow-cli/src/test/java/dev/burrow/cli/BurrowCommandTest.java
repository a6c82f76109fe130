package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
                "edge token revoke", "config", "config add-authtoken", "config check", "service", "service install");
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

    @ParameterizedTest
    @MethodSource("commands")
    void helpNamesAnyCommandAndPrintsWhatItsHelpOptionDoes(String command) {
        String[] path = Arrays.stream(command.split(" ")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        String[] asked = Stream.concat(Stream.of("help"), Arrays.stream(path)).toArray(String[]::new);

        Cli.Result result = Cli.run(asked);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(Cli.run(Stream.concat(Arrays.stream(path), Stream.of("--help"))
                .toArray(String[]::new)).out());
        assertThat(result.err()).isEmpty();
    }

    @Test
    void helpForACommandThatDoesNotExistSaysWhereToLook() {
        Cli.Result result = Cli.run("help", "edge", "tokens");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("burrow: 'burrow edge' has no command 'tokens'; see burrow edge --help"
                + System.lineSeparator());
    }

    /** Runs {@code burrow completion bash} in bash itself, as a user's shell would at a tab: what it offers. */
    private static List<String> bashCompletes(Path dir, String... words) throws Exception {
        Path script = Files.writeString(dir.resolve("burrow.bash"), Cli.run("completion", "bash").out());
        String line = String.join(" ", words);
        String program = "source " + script + " 2>/dev/null\n"
                + "COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line
                + "'; COMP_POINT=" + line.length() + "\n"
                + "_complete_burrow 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor()).isZero();
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsSubcommandsAndOptions(@TempDir Path dir) throws Exception {
        assertThat(bashCompletes(dir, "burrow", "ed")).containsExactly("edge");
        assertThat(bashCompletes(dir, "burrow", "edge", "token", "cr")).containsExactly("create");
        assertThat(bashCompletes(dir, "burrow", "http", "--sub")).containsExactly("--subdomain");
        assertThat(bashCompletes(dir, "burrow", "compl")).containsExactly("completion");
    }

    @Test
    void fishCompletionNamesEachCommandUnderItsParent() {
        Cli.Result result = Cli.run("completion", "fish");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines()).contains(
                "complete -c burrow -n '__fish_use_subcommand' -a edge -d 'Run an edge: the public HTTP (and HTTPS)"
                        + " listener, and the TLS port agents connect to.'",
                "complete -c burrow -n '__fish_seen_subcommand_from token' -a create -d 'Issue a token and print"
                        + " it.'",
                "complete -c burrow -n '__fish_seen_subcommand_from http' -l subdomain -r -d 'Ask for NAME.<edge"
                        + " domain>.'");
    }

    @Test
    void anUnknownShellIsAUsageError() {
        Cli.Result result = Cli.run("completion", "tcsh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("tcsh").hasLineCount(1);
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
