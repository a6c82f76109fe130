package dev.burrow.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Issues the certificate an edge uses until its operator provides a real one. */
final class SelfSignedCertificates {

    record SelfSigned(PrivateKey key, X509Certificate certificate) {
    }

    private static final String LOCALHOST = "localhost";
    private static final int VALIDITY_YEARS = 10;
    /** Tolerates agents whose clocks run a little behind the edge's. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** RFC 5280 caps serials at 20 octets; 128 random bits stay well inside and positive. */
    private static final int SERIAL_BITS = 128;

    private SelfSignedCertificates() {
    }

    /**
     * Loopback names are always included so agents on the same host can verify the edge by
     * name or address without extra configuration.
     */
    static SelfSigned generate(List<String> dnsNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : dnsNames) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("DNS name for the edge certificate must not be blank");
            }
            names.add(name.strip());
        }
        names.add(LOCALHOST);
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();

            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, names.iterator().next())
                    .build();
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(SERIAL_BITS, random).setBit(SERIAL_BITS - 1),
                    Date.from(now.minus(BACKDATE).toInstant()),
                    Date.from(now.plusYears(VALIDITY_YEARS).toInstant()),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));

            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new SelfSigned(keys.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate self-signed edge certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames subjectAltNames(Set<String> dnsNames) {
        GeneralName[] names = new GeneralName[dnsNames.size() + 2];
        int i = 0;
        for (String dns : dnsNames) {
            names[i++] = new GeneralName(GeneralName.dNSName, dns);
        }
        names[i++] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        names[i] = new GeneralName(GeneralName.iPAddress, "::1");
        return new GeneralNames(names);
    }
}
