package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintsTest {

    private static final String CANONICAL =
            "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";

    @ParameterizedTest
    @ValueSource(strings = {
            CANONICAL,
            "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef",
            "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "SHA256:" + CANONICAL,
            "  sha256:" + CANONICAL + "\n",
    })
    void normalizeAcceptsCommonSpellings(String input) {
        assertThat(Fingerprints.normalize(input)).isEqualTo(CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00",
            "01:23:45",
    })
    void normalizeRejectsWrongLength(String input) {
        assertThatThrownBy(() -> Fingerprints.normalize(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes (64 hex digits)");
    }

    @Test
    void normalizeRejectsNonHex() {
        String input = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg";
        assertThatThrownBy(() -> Fingerprints.normalize(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-hex");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0:12:3" + "4:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0",
            "sha1:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void normalizeRejectsMisgroupedColons(String input) {
        assertThatThrownBy(() -> Fingerprints.normalize(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs of hex digits");
    }

    @Test
    void sha256HashesTheDerEncoding(@TempDir Path dir) throws Exception {
        X509Certificate certificate = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of()).chain()[0];
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());

        String fingerprint = Fingerprints.sha256(certificate);

        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(fingerprint.replace(":", "")).isEqualTo(HexFormat.of().withUpperCase().formatHex(digest));
    }
}
