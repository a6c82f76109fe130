package dev.burrow.cli;

import dev.burrow.store.TokenStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The dev agent's authtoken, kept next to the dev edge's database: each run reuses it rather than piling up a new
 * token, and a token the database no longer accepts (revoked, or the database deleted) is replaced.
 */
final class DevToken {
    static final String FILE_NAME = "dev-agent.token";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private DevToken() {
    }

    static String loadOrCreate(TokenStore tokens, Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String saved = Files.readString(file).strip();
                if (tokens.verify(saved).isPresent()) {
                    return saved;
                }
            }
            String token = tokens.create("dev-agent-" + STAMP.format(Instant.now())).token();
            write(file, token);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    // Created with its final mode, so the token is never readable by others, even for a moment.
    private static void write(Path file, String token) throws IOException {
        Files.deleteIfExists(file);
        FileAttribute<?>[] ownerOnly = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Files.writeString(Files.createFile(file, ownerOnly), token + "\n");
    }
}
