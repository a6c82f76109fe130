package dev.burrow.edge;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests: signs leaf certificates for DNS names and IP addresses. Public for the
 * tests of other packages that need a CA's or a leaf's PEM.
 */
public final class TestCa {
    /** A leaf signed by this CA: its PEM chain (leaf, then the CA) and its private key as PKCS#8 PEM. */
    public record Leaf(X509Certificate certificate, String chainPem, String keyPem) {
        public void write(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, chainPem);
            Files.writeString(keyFile, keyPem);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair keys;
    public final X509Certificate certificate;

    public TestCa(String name) {
        keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        try {
            certificate = new JcaX509CertificateConverter().getCertificate(
                    new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                            .addExtension(Extension.keyUsage, true,
                                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes this CA's certificate, for clients (curl --cacert, --acme-ca) to trust. */
    public Path writeCertificate(Path file) throws IOException {
        Files.writeString(file, pem(certificate));
        return file;
    }

    /** A leaf valid for the next day. {@code names} are DNS names, or IP addresses when they start with a digit. */
    public Leaf issue(String... names) {
        Instant now = Instant.now();
        return issue(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)), names);
    }

    public Leaf issue(Instant notBefore, Instant notAfter, String... names) {
        KeyPair leafKeys = ecKeys();
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            sans.add(new GeneralName(Character.isDigit(name.charAt(0)) ? GeneralName.iPAddress : GeneralName.dNSName,
                    name));
        }
        try {
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                    new JcaX509v3CertificateBuilder(new X500Name(certificate.getSubjectX500Principal().getName()),
                            serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + names[0]),
                            leafKeys.getPublic())
                            .addExtension(Extension.subjectAlternativeName, false,
                                    new GeneralNames(sans.toArray(GeneralName[]::new)))
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new Leaf(leaf, pem(leaf) + pem(certificate), pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null)
                    .generate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    public static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
