package dev.burrow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PrivateFileTest {
    @TempDir
    Path dir;
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(PrivateFile.class);

    @BeforeEach
    void posixAndLogged() {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void tighteningTakesOffWhatGroupAndOthersHadAndSaysSoOncePerPath() throws IOException {
        Path file = withMode(Files.createFile(dir.resolve("secret")), "rw-r--r--");
        Path readOnly = withMode(Files.createFile(dir.resolve("read-only")), "r--r-----");

        PrivateFile.tighten(file);
        PrivateFile.tighten(readOnly);
        PrivateFile.tighten(file);

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(readOnly)).isEqualTo("r--------");
        assertThat(logged()).containsExactly(
                "permissions tightened: other users could read it path=" + file + " was=rw-r--r-- now=rw-------",
                "permissions tightened: other users could read it path=" + readOnly + " was=r--r----- now=r--------");
    }

    @Test
    void aMissingPathIsNotAnError() {
        PrivateFile.tighten(dir.resolve("absent"));

        assertThat(logged()).isEmpty();
    }

    @Test
    void anExistingDirectoryIsTightenedAndAMissingOneCreatedOwnerOnly() throws IOException {
        Path existing = withMode(Files.createDirectory(dir.resolve("existing")), "rwxr-xr-x");
        Path missing = dir.resolve("a/b");

        PrivateFile.directory(existing);
        PrivateFile.directory(missing);

        assertThat(mode(existing)).isEqualTo("rwx------");
        assertThat(mode(missing)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
    }

    @Test
    void createMakesAnEmptyOwnerOnlyFileOrTightensTheOneThere() throws IOException {
        Path existing = withMode(Files.writeString(dir.resolve("existing"), "kept"), "rw-rw-rw-");

        PrivateFile.create(dir.resolve("new"));
        PrivateFile.create(existing);

        assertThat(mode(dir.resolve("new"))).isEqualTo("rw-------");
        assertThat(dir.resolve("new")).isEmptyFile();
        assertThat(mode(existing)).isEqualTo("rw-------");
        assertThat(existing).hasContent("kept");
    }

    @Test
    void writeReplacesWholeAndOwnerOnly() throws IOException {
        Path file = withMode(Files.writeString(dir.resolve("config.yml"), "old"), "rw-r--r--");

        PrivateFile.write(file, "new".getBytes(StandardCharsets.UTF_8));
        PrivateFile.write(dir.resolve("nested/token"), "t".getBytes(StandardCharsets.UTF_8));

        assertThat(file).hasContent("new");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("nested"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("nested/token"))).isEqualTo("rw-------");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.yml", "nested");
        }
    }

    private List<String> logged() {
        return lines.list.stream().map(event -> event.getFormattedMessage() + event.getKeyValuePairs().stream()
                .map(pair -> " " + pair.key + "=" + pair.value).collect(Collectors.joining())).toList();
    }

    private static Path withMode(Path path, String mode) throws IOException {
        return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
