package dev.burrow.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files an operator hands us, and reads and writes PEM text (what the store keeps). Content
 * problems become {@link IllegalArgumentException}s that start with the file name (or the text's
 * source), because the operator has to know which of several files to fix; failures to read at all
 * stay {@link UncheckedIOException}s.
 */
public final class Pem {

    private Pem() {
    }

    /** All certificates in file order; other PEM blocks (such as a bundled key) are skipped. */
    static List<X509Certificate> readCertificates(Path file) {
        return certificates(readBlocks(file), file.toString());
    }

    /** All certificates in PEM text, in order; {@code source} names the text in error messages. */
    public static List<X509Certificate> readCertificates(String text, String source) {
        return certificates(parse(new StringReader(text), source), source);
    }

    /** The first RSA or EC private key, in PKCS#8 or the older OpenSSL per-algorithm form. */
    static PrivateKey readPrivateKey(Path file) {
        return privateKey(readBlocks(file), file.toString());
    }

    /** The first RSA or EC private key in PEM text; {@code source} names the text in error messages. */
    public static PrivateKey readPrivateKey(String text, String source) {
        return privateKey(parse(new StringReader(text), source), source);
    }

    /** The certificates as PEM text, in order. */
    public static String toText(List<X509Certificate> certificates) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                pem.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode certificates", e);
        }
        return text.toString();
    }

    /** The private key as PKCS#8 PEM text, the form {@link #readPrivateKey} reads back. */
    public static String toText(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a private key", e);
        }
        return text.toString();
    }

    private static List<X509Certificate> certificates(List<Object> blocks, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : blocks) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw invalid(source, "unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw invalid(source, "no PEM certificate (-----BEGIN CERTIFICATE-----) found", null);
        }
        return certificates;
    }

    private static PrivateKey privateKey(List<Object> blocks, String source) {
        for (Object block : blocks) {
            if (block instanceof PrivateKeyInfo info) {
                return toPrivateKey(source, info);
            }
            if (block instanceof PEMKeyPair pair) {
                return toPrivateKey(source, pair.getPrivateKeyInfo());
            }
            if (block instanceof PKCS8EncryptedPrivateKeyInfo || block instanceof PEMEncryptedKeyPair) {
                throw invalid(source, "private key is encrypted; provide it unencrypted", null);
            }
        }
        throw invalid(source, "no PEM private key (-----BEGIN PRIVATE KEY-----) found", null);
    }

    /**
     * ISO-8859-1 decodes any byte sequence, so a binary (DER) file reaches the parser and gets
     * the "no PEM ... found" message rather than a charset error.
     */
    private static List<Object> readBlocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
        return parse(new StringReader(text), file.toString());
    }

    /**
     * The PEM blocks of text already read whole, so that an {@link IOException} from the parser is the text's fault
     * (a block without its END line, for one), not a failed read.
     */
    private static List<Object> parse(StringReader reader, String source) {
        List<Object> blocks = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 and bad DER inside a PEM block as unchecked exceptions.
            throw invalid(source, "malformed PEM: " + e.getMessage(), e);
        }
        return blocks;
    }

    private static PrivateKey toPrivateKey(String source, PrivateKeyInfo info) {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        String jcaName;
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            jcaName = "RSA";
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            jcaName = "EC";
        } else {
            throw invalid(source, "unsupported private key algorithm " + algorithm + " (expected RSA or EC)", null);
        }
        try {
            return KeyFactory.getInstance(jcaName).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw invalid(source, "unusable " + jcaName + " private key: " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException invalid(String source, String problem, Exception cause) {
        return new IllegalArgumentException(source + ": " + problem, cause);
    }
}
