package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTrustTest {

    @Test
    void systemAndCaFileVerifyHostnames(@TempDir Path dir) {
        EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        Path ca = dir.resolve(EdgeCertificate.CERT_FILE);

        assertThat(ServerTrust.system().verifiesHostname()).isTrue();
        assertThat(ServerTrust.caFile(ca).verifiesHostname()).isTrue();
        assertThat(ServerTrust.caFile(ca)).hasToString("CAs from " + ca);
    }

    @Test
    void fingerprintIsNormalizedForDisplay() {
        String pin = "ab".repeat(32);

        assertThat(ServerTrust.fingerprint("sha256:" + pin))
                .hasToString("certificate with SHA-256 fingerprint " + Fingerprints.normalize(pin));
    }

    @Test
    void fingerprintRejectsMalformedPin() {
        assertThatThrownBy(() -> ServerTrust.fingerprint("abcd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void caFileWithoutCertificatesNamesTheFile(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("ca.pem"), "");

        assertThatThrownBy(() -> ServerTrust.caFile(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(empty.toString());
    }

    @Test
    void missingCaFileIsAnIoError(@TempDir Path dir) {
        assertThatThrownBy(() -> ServerTrust.caFile(dir.resolve("absent.pem")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent.pem");
    }
}
