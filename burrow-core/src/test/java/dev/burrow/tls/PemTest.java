package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a certificate's PEM text that is cut short, as a CA's chain or a half-copied file may be, is told as. */
class PemTest {
    @TempDir
    Path dir;

    private String certificateCutBeforeItsEnd() throws Exception {
        X509Certificate certificate = TestCertificates.writeRsa(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        String text = Pem.toText(List.of(certificate));
        return text.substring(0, text.indexOf("-----END"));
    }

    @Test
    void textWithoutItsEndLineIsMalformedPemNamingTheSource() throws Exception {
        assertThatThrownBy(() -> Pem.readCertificates(certificateCutBeforeItsEnd(), "chain from the CA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("chain from the CA: malformed PEM");
    }

    @Test
    void aFileWithoutItsEndLineIsMalformedPemNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("cut.pem"), certificateCutBeforeItsEnd());
        assertThatThrownBy(() -> Pem.readCertificates(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": malformed PEM");
    }
}
