package dev.burrow.edge.http;

import dev.burrow.tls.ClientAuthorities;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;

/**
 * How a public connection reached the edge: in plain text, or over TLS for the server name the client gave in its
 * ClientHello (null if it gave none), with the client certificate the handshake verified (null if it asked for
 * none). It decides {@code X-Forwarded-Proto} and the tunnel stream's {@code :scheme}, whether a request's Host must
 * match the server name, whether a tunnel's redirect to HTTPS applies, and whether a tunnel that requires a client
 * certificate takes the connection's requests.
 */
public record PublicConnection(boolean tls, String serverName, ClientCertificate clientCertificate) {
    public static final PublicConnection PLAIN = new PublicConnection(false, null, null);

    public static PublicConnection tls(String serverName, ClientCertificate clientCertificate) {
        return new PublicConnection(true, serverName, clientCertificate);
    }

    public String scheme() {
        return tls ? "https" : "http";
    }

    /**
     * The connection's client certificate if its handshake verified it under {@code required}, the authorities a
     * tunnel requires now; else null (a plain connection, none asked for, or asked for under other authorities).
     */
    ClientCertificate clientCertificateUnder(ClientAuthorities required) {
        return clientCertificate != null && clientCertificate.verifiedUnder().equals(required) ? clientCertificate
                : null;
    }

    /**
     * A client certificate a handshake verified: the authorities it was verified under, and its subject as an RFC 4514
     * name fit for a header value (any byte outside printable ASCII escaped as {@code \XX}).
     */
    public record ClientCertificate(ClientAuthorities verifiedUnder, String subject) {
        public static ClientCertificate verified(ClientAuthorities under, X509Certificate certificate) {
            byte[] name = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)
                    .getBytes(StandardCharsets.UTF_8);
            StringBuilder subject = new StringBuilder(name.length);
            for (byte b : name) {
                if (b >= 0x20 && b < 0x7F) {
                    subject.append((char) b);
                } else {
                    subject.append('\\').append(String.format("%02X", b & 0xFF));
                }
            }
            return new ClientCertificate(under, subject.toString());
        }
    }
}
