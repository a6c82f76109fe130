package dev.burrow.tls;

/**
 * What reading a listener's certificate files again came to: the certificate it presents from now on, or the problem
 * that made it keep the one it had.
 *
 * @param listener    the listener, as {@link ServedCertificate#fromFiles} was told
 * @param certificate what was read; null if the read failed
 * @param problem     what was wrong with the files, naming the file; null if the read worked
 */
public record CertificateReload(String listener, EdgeCertificate certificate, String problem) {
    public boolean succeeded() {
        return problem == null;
    }
}
