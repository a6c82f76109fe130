package dev.burrow.cli;

import dev.burrow.config.PrivateFile;
import dev.burrow.store.TokenStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
                PrivateFile.tighten(file);
                String saved = Files.readString(file).strip();
                if (tokens.verify(saved).isPresent()) {
                    return saved;
                }
            }
            String token = tokens.create("dev-agent-" + STAMP.format(Instant.now())).token();
            PrivateFile.write(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
