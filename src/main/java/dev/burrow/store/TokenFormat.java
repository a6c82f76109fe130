package dev.burrow.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Token text is {@code brw_<id>_<secret>}. The id is public and only locates the row; the secret is what proves
 * possession. The prefix makes leaked tokens easy to spot by secret scanners.
 */
final class TokenFormat {

    private static final String PREFIX = "brw_";
    private static final int ID_LENGTH = 12;
    private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int SECRET_BYTES = 32;
    private static final int SECRET_LENGTH = 43; // 32 bytes in unpadded base64url
    private static final int TOKEN_LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;

    private static final SecureRandom RANDOM = new SecureRandom();

    record Parts(String id, String secret) {
        String token() {
            return PREFIX + id + "_" + secret;
        }
    }

    private TokenFormat() {
    }

    static Parts generate() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new Parts(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /**
     * Splits by position rather than on '_' because base64url secrets may themselves contain '_'. Shape checks
     * only look at attacker-supplied text, so their timing reveals nothing stored.
     */
    static Optional<Parts> parse(String token) {
        if (token == null || token.length() != TOKEN_LENGTH || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int idEnd = PREFIX.length() + ID_LENGTH;
        String id = token.substring(PREFIX.length(), idEnd);
        String secret = token.substring(idEnd + 1);
        if (token.charAt(idEnd) != '_' || !isId(id) || !isBase64Url(secret)) {
            return Optional.empty();
        }
        return Optional.of(new Parts(id, secret));
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

    private static boolean isId(String text) {
        return text.length() == ID_LENGTH && text.chars().allMatch(c -> ID_ALPHABET.indexOf(c) >= 0);
    }

    private static boolean isBase64Url(String text) {
        return text.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
}
