package dev.burrow.store;

import dev.burrow.protocol.Authtoken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Makes tokens of the {@link Authtoken} shape and hashes their secrets for the store. */
final class TokenFormat {
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenFormat() {
    }

    static Authtoken.Parts generate() {
        StringBuilder id = new StringBuilder(Authtoken.ID_LENGTH);
        for (int i = 0; i < Authtoken.ID_LENGTH; i++) {
            id.append(Authtoken.ID_ALPHABET.charAt(RANDOM.nextInt(Authtoken.ID_ALPHABET.length())));
        }
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new Authtoken.Parts(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /**
     * Plain SHA-256 is enough: the secret carries 256 bits from SecureRandom, so unlike a password it cannot be
     * guessed offline from its hash, and a slow KDF would only cost CPU on every agent connect.
     */
    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
