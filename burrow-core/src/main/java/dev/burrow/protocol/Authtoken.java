package dev.burrow.protocol;

import java.util.Optional;

/**
 * What an authtoken looks like: {@code brw_<id>_<secret>}, a 12-character id of lower-case letters and digits and a
 * 43-character base64url secret. The id is public and only locates the token; the secret proves possession. The
 * prefix makes leaked tokens easy to spot by secret scanners. Both sides read the shape: the edge before it looks a
 * token up, the agent's CLI before it saves or sends one.
 */
public final class Authtoken {
    public static final String PREFIX = "brw_";
    public static final int ID_LENGTH = 12;
    public static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    /** 32 bytes in unpadded base64url. */
    public static final int SECRET_LENGTH = 43;
    private static final int LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    /** The shape in words, for a user who pasted something else. */
    public static final String SHAPE = "brw_, 12 letters or digits, '_' and 43 more characters, as 'burrow edge"
            + " token create' prints it";

    /** A token's two parts. */
    public record Parts(String id, String secret) {
        public String token() {
            return PREFIX + id + "_" + secret;
        }
    }

    private Authtoken() {
    }

    /**
     * The parts of {@code token} if it has a token's shape. Splits by position rather than on '_', because a
     * base64url secret may itself contain '_'. Only the presented text is looked at, so the time taken reveals
     * nothing stored.
     */
    public static Optional<Parts> parse(String token) {
        if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) {
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

    private static boolean isId(String text) {
        return text.chars().allMatch(c -> ID_ALPHABET.indexOf(c) >= 0);
    }

    private static boolean isBase64Url(String text) {
        return text.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
}
