package dev.burrow.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;

/** SHA-256 certificate fingerprints in the canonical {@code AB:CD:...} form shown to users. */
public final class Fingerprints {

    private static final int DIGEST_BYTES = 32;
    private static final String PREFIX = "sha256:";
    private static final HexFormat CANONICAL = HexFormat.ofDelimiter(":").withUpperCase();

    private Fingerprints() {
    }

    /** Fingerprint of the certificate's DER encoding, as browsers and {@code openssl x509 -fingerprint} show it. */
    public static String sha256(X509Certificate certificate) {
        try {
            return CANONICAL.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    /**
     * Accepts what people paste: colon-separated pairs or bare hex, any case, optionally prefixed
     * with {@code sha256:}. Returns the canonical form so pins compare with plain equality.
     *
     * @throws IllegalArgumentException if the input is not a 32-byte hex fingerprint
     */
    public static String normalize(String userInput) {
        Objects.requireNonNull(userInput, "fingerprint");
        String value = userInput.strip();
        if (value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            value = value.substring(PREFIX.length());
        }
        String hex = value.indexOf(':') >= 0 ? joinPairs(value) : value;
        if (hex.length() != DIGEST_BYTES * 2) {
            throw new IllegalArgumentException("SHA-256 fingerprint must be " + DIGEST_BYTES + " bytes ("
                    + DIGEST_BYTES * 2 + " hex digits), but '" + userInput + "' has " + hex.length() + " characters");
        }
        if (!hex.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("SHA-256 fingerprint '" + userInput + "' contains a non-hex character");
        }
        return CANONICAL.formatHex(HexFormat.of().parseHex(hex));
    }

    /** Rejects "A:BCD" style input, which is more likely a paste error than a fingerprint. */
    private static String joinPairs(String value) {
        StringBuilder hex = new StringBuilder(DIGEST_BYTES * 2);
        for (String pair : value.split(":", -1)) {
            if (pair.length() != 2) {
                throw new IllegalArgumentException("SHA-256 fingerprint '" + value
                        + "' must be pairs of hex digits separated by ':'");
            }
            hex.append(pair);
        }
        return hex.toString();
    }
}
