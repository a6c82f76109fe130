package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeCertificateTest {

    @TempDir
    Path dir;

    @Test
    void selfSignedIsCreatedOnceThenReloaded() {
        EdgeCertificate first = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("edge.burrow.test"));
        EdgeCertificate second = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("ignored.burrow.test"));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());
        assertThat(second.chain()).containsExactly(first.chain());
        assertThat(second.key().getEncoded()).isEqualTo(first.key().getEncoded());
    }

    @Test
    void aNameTheOperatorAsksForLaterReplacesTheCertificateOnceAndIsKept() {
        EdgeCertificate first = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("burrow.test"));

        EdgeCertificate named = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("burrow.test"),
                List.of("edge.example.org"));
        EdgeCertificate again = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("burrow.test"),
                List.of("edge.example.org"));

        assertThat(named.created()).isTrue();
        assertThat(named.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
        assertThat(named.names()).contains("burrow.test", "edge.example.org", "localhost");
        assertThat(again.created()).isFalse();
        assertThat(again.sha256Fingerprint()).isEqualTo(named.sha256Fingerprint());
    }

    @Test
    void selfSignedCoversGivenNamesAndLoopback() throws Exception {
        X509Certificate cert = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of("edge.burrow.test")).chain()[0];

        assertThat(cert.getSubjectAlternativeNames())
                .extracting(entry -> (Object) entry.get(1))
                .containsExactlyInAnyOrder("edge.burrow.test", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=edge.burrow.test");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isGreaterThan(Duration.ofDays(3650));
        cert.verify(cert.getPublicKey());
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        EdgeCertificate.loadOrCreateSelfSigned(dir.resolve("nested"), List.of());

        assertThat(mode(dir.resolve("nested"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("nested").resolve(EdgeCertificate.KEY_FILE))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("nested").resolve(EdgeCertificate.CERT_FILE))).isEqualTo("rw-------");
        try (var files = Files.list(dir.resolve("nested"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(EdgeCertificate.CERT_FILE, EdgeCertificate.KEY_FILE);
        }
    }

    @Test
    void filesOthersCouldReadAreMadeOwnerOnlyWhenReused() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        for (String file : List.of(EdgeCertificate.KEY_FILE, EdgeCertificate.CERT_FILE)) {
            Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }

        EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());

        assertThat(mode(dir.resolve(EdgeCertificate.KEY_FILE))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve(EdgeCertificate.CERT_FILE))).isEqualTo("rw-------");
    }

    @Test
    void refusesToReplaceHalfOfAPair() throws Exception {
        Files.writeString(dir.resolve(EdgeCertificate.KEY_FILE), "operator key");

        assertThatThrownBy(() -> EdgeCertificate.loadOrCreateSelfSigned(dir, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(EdgeCertificate.CERT_FILE);
        assertThat(Files.readString(dir.resolve(EdgeCertificate.KEY_FILE))).isEqualTo("operator key");
    }

    @Test
    void rejectsBlankDnsName() {
        assertThatThrownBy(() -> EdgeCertificate.loadOrCreateSelfSigned(dir, List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadNamesFileWithoutPem() throws Exception {
        EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate\n");

        assertThatThrownBy(() -> EdgeCertificate.load(garbage, dir.resolve(EdgeCertificate.KEY_FILE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(garbage.toString())
                .hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> EdgeCertificate.load(dir.resolve(EdgeCertificate.CERT_FILE), garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(garbage.toString())
                .hasMessageContaining("no PEM private key");
    }

    @Test
    void loadNamesFileWithCorruptPemBody() throws Exception {
        EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
                "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> EdgeCertificate.load(corrupt, dir.resolve(EdgeCertificate.KEY_FILE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(corrupt.toString());
    }

    @Test
    void loadRejectsKeyOfAnotherCertificate() {
        EdgeCertificate.loadOrCreateSelfSigned(dir.resolve("a"), List.of());
        EdgeCertificate.loadOrCreateSelfSigned(dir.resolve("b"), List.of());
        Path otherKey = dir.resolve("b").resolve(EdgeCertificate.KEY_FILE);

        assertThatThrownBy(() -> EdgeCertificate.load(dir.resolve("a").resolve(EdgeCertificate.CERT_FILE), otherKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(otherKey.toString())
                .hasMessageContaining("does not belong");
    }

    @Test
    void loadAcceptsRsaWithTraditionalKeyFormat() throws Exception {
        Path certFile = dir.resolve("rsa-cert.pem");
        Path keyFile = dir.resolve("rsa-key.pem");
        X509Certificate expected = TestCertificates.writeRsa(certFile, keyFile);

        EdgeCertificate edge = EdgeCertificate.load(certFile, keyFile);

        assertThat(edge.created()).isFalse();
        assertThat(edge.chain()).containsExactly(expected);
        assertThat(edge.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(edge.serverContext("h2").isServer()).isTrue();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void chainIsDefensivelyCopied() {
        EdgeCertificate edge = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        edge.chain()[0] = null;

        assertThat(edge.chain()[0]).isNotNull();
    }
}
