package dev.burrow.edge.admin;

import dev.burrow.config.PrivateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of the admin listener. Compared in constant time, as hashes, so neither its bytes nor its length
 * leak through timing. When the operator gives none, the edge makes one on first start and keeps it in
 * {@value #FILE} in its data directory, readable by its owner only.
 */
final class AdminToken {
    static final String FILE = "admin-token";
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] hash;

    private AdminToken(String token) {
        this.hash = sha256(token);
    }

    static AdminToken of(String token) {
        return new AdminToken(token);
    }

    /** The token in the data directory's {@value #FILE}, made there first if missing. */
    static AdminToken inDataDir(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                PrivateFile.tighten(file);
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (kept.isEmpty()) {
                    throw new IllegalStateException("the admin token file " + file + " is empty");
                }
                return new AdminToken(kept);
            }
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            String made = "burrow_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            PrivateFile.write(file, (made + "\n").getBytes(StandardCharsets.UTF_8));
            log.atInfo().addKeyValue("path", file.toAbsolutePath())
                    .log("made an admin token for the admin listener; read it from this file");
            return new AdminToken(made);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the admin token file " + file, e);
        }
    }

    /** True if {@code presented} is the token; in time that does not depend on how much of it is right. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(hash, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
