package dev.burrow.tls;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** An RSA certificate in the layout operators often have: chain file plus a PKCS#1 key file. */
final class TestCertificates {

    private TestCertificates() {
    }

    static X509Certificate writeRsa(Path certFile, Path keyFile) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=rsa.burrow.test");
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.TWO, Date.from(now),
                        Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        try (JcaPEMWriter out = new JcaPEMWriter(Files.newBufferedWriter(certFile))) {
            out.writeObject(certificate);
        }
        // JcaPEMWriter writes a bare KeyPair's private key as "-----BEGIN RSA PRIVATE KEY-----".
        try (JcaPEMWriter out = new JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
            out.writeObject(keys);
        }
        return certificate;
    }
}
