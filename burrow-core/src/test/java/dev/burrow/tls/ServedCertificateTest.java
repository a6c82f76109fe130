package dev.burrow.tls;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedCertificateTest {
    @TempDir
    Path dir;
    Path certFile;
    Path keyFile;
    ServedCertificate<String> served;

    @BeforeEach
    void serveAPair() throws Exception {
        certFile = dir.resolve("cert.pem");
        keyFile = dir.resolve("key.pem");
        copyPair("first", certFile, keyFile);
        served = ServedCertificate.fromFiles("https", certFile, keyFile, EdgeCertificate::sha256Fingerprint);
    }

    @Test
    void aGoodReadIsServedFromThenOn() throws Exception {
        String first = served.served();
        String next = copyPair("next", certFile, keyFile).sha256Fingerprint();

        CertificateReload reload = served.reload().orElseThrow();

        assertThat(reload.succeeded()).isTrue();
        assertThat(reload.listener()).isEqualTo("https");
        assertThat(reload.certificate().sha256Fingerprint()).isEqualTo(next);
        assertThat(served.served()).isEqualTo(next).isNotEqualTo(first);
        assertThat(served.certificate().sha256Fingerprint()).isEqualTo(next);
    }

    @Test
    void aKeyOfAnotherCertificateKeepsTheOldOne() throws Exception {
        String first = served.served();
        Files.copy(pairIn("other").resolve(EdgeCertificate.KEY_FILE), keyFile,
                REPLACE_EXISTING);

        assertThat(served.reload().orElseThrow().problem())
                .isEqualTo(keyFile + ": private key does not belong to the first certificate in " + certFile);
        assertThat(served.served()).isEqualTo(first);
    }

    @Test
    void aMissingFileKeepsTheOldOne() throws Exception {
        String first = served.served();
        Files.delete(keyFile);

        CertificateReload reload = served.reload().orElseThrow();

        assertThat(reload.succeeded()).isFalse();
        assertThat(reload.certificate()).isNull();
        assertThat(reload.problem()).isEqualTo("cannot read " + keyFile + ": no such file");
        assertThat(served.served()).isEqualTo(first);
    }

    @Test
    void pemThatDoesNotParseKeepsTheOldOne() throws Exception {
        String first = served.served();
        Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");

        assertThat(served.reload().orElseThrow().problem()).startsWith(certFile + ": malformed PEM");
        assertThat(served.served()).isEqualTo(first);
    }

    @Test
    void aCertificateOfNoFilesHasNothingToRead() {
        EdgeCertificate selfSigned = EdgeCertificate.loadOrCreateSelfSigned(dir.resolve("own"), List.of());

        ServedCertificate<String> own = ServedCertificate.of(selfSigned, EdgeCertificate::sha256Fingerprint);

        assertThat(own.reload()).isEmpty();
        assertThat(own.served()).isEqualTo(selfSigned.sha256Fingerprint());
    }

    /** A fresh self-signed pair copied to {@code certFile} and {@code keyFile}. */
    private EdgeCertificate copyPair(String name, Path certFile, Path keyFile) throws Exception {
        Path pair = pairIn(name);
        Files.copy(pair.resolve(EdgeCertificate.CERT_FILE), certFile, REPLACE_EXISTING);
        Files.copy(pair.resolve(EdgeCertificate.KEY_FILE), keyFile, REPLACE_EXISTING);
        return EdgeCertificate.load(certFile, keyFile);
    }

    private Path pairIn(String name) {
        Path pair = dir.resolve(name);
        EdgeCertificate.loadOrCreateSelfSigned(pair, List.of());
        return pair;
    }
}
