package dev.burrow.cli;

import dev.burrow.tls.Fingerprints;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How the agent checks the edge's certificate: at most one of the two, since they answer the same question. */
final class EdgeTrustOptions {
    @Option(names = "--server-ca", paramLabel = "FILE",
            description = "Trust only the CA certificates in this PEM file; the edge's name is still checked.")
    Path caFile;

    @Option(names = "--server-fingerprint", paramLabel = "SHA256", converter = FingerprintConverter.class,
            description = "Trust exactly the edge certificate with this SHA-256 fingerprint, as 'burrow edge'"
                    + " prints it.")
    String fingerprint;

    /** Checks the format while parsing, so a mistyped pin is a usage error rather than a TLS failure later. */
    static final class FingerprintConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return Fingerprints.normalize(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
