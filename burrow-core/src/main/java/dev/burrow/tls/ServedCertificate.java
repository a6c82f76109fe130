package dev.burrow.tls;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The certificate a listener presents to each connection as it arrives, in the form the listener serves it (a TLS
 * context, say). One the operator gave as files can be read from them again: a good read is what connections
 * arriving afterwards get, while connections already open keep the one they shook hands with; a read that fails
 * leaves the certificate as it was.
 *
 * @param <T> what the listener serves a certificate as
 */
public final class ServedCertificate<T> {
    private final String listener;
    /** Null when the certificate came from no files the operator gave (self-signed, kept by the edge). */
    private final Path certFile;
    private final Path keyFile;
    private final Function<EdgeCertificate, T> serve;
    private volatile Serving<T> current;

    private record Serving<T>(EdgeCertificate certificate, T served) {
    }

    private ServedCertificate(String listener, Path certFile, Path keyFile, Function<EdgeCertificate, T> serve,
                              EdgeCertificate certificate) {
        this.listener = listener;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.serve = serve;
        this.current = new Serving<>(certificate, serve.apply(certificate));
    }

    /** A certificate with no files to read again: {@link #reload()} finds nothing to do. */
    public static <T> ServedCertificate<T> of(EdgeCertificate certificate, Function<EdgeCertificate, T> serve) {
        return new ServedCertificate<>(null, null, null, serve, certificate);
    }

    /**
     * Reads the certificate from {@code certFile} and {@code keyFile}, as {@link EdgeCertificate#load} does and with
     * its exceptions.
     *
     * @param listener names the listener in {@link CertificateReload}s, such as {@code https}
     */
    public static <T> ServedCertificate<T> fromFiles(String listener, Path certFile, Path keyFile,
                                                     Function<EdgeCertificate, T> serve) {
        return new ServedCertificate<>(listener, certFile, keyFile, serve, EdgeCertificate.load(certFile, keyFile));
    }

    /** What a connection arriving now is served. */
    public T served() {
        return current.served();
    }

    public EdgeCertificate certificate() {
        return current.certificate();
    }

    /**
     * Reads the files again and, if they read, serves what they hold from now on. A file missing or unreadable, PEM
     * that does not parse or a key of another certificate are expected of files being replaced by hand: they come
     * back as the outcome's problem, not thrown, and the old certificate stays.
     *
     * @return empty if this certificate came from no files
     */
    public synchronized Optional<CertificateReload> reload() {
        if (certFile == null) {
            return Optional.empty();
        }
        try {
            EdgeCertificate read = EdgeCertificate.load(certFile, keyFile);
            current = new Serving<>(read, serve.apply(read));
            return Optional.of(new CertificateReload(listener, read, null));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            return Optional.of(new CertificateReload(listener, null, e.getMessage()));
        }
    }
}
