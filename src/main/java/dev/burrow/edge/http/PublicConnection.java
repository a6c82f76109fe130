package dev.burrow.edge.http;

/**
 * How a public connection reached the edge: in plain text, or over TLS for the server name the client gave in its
 * ClientHello (null if it gave none). It decides {@code X-Forwarded-Proto} and the tunnel stream's {@code :scheme},
 * whether a request's Host must match the server name, and whether a tunnel's redirect to HTTPS applies.
 */
public record PublicConnection(boolean tls, String serverName) {
    public static final PublicConnection PLAIN = new PublicConnection(false, null);

    public static PublicConnection tls(String serverName) {
        return new PublicConnection(true, serverName);
    }

    public String scheme() {
        return tls ? "https" : "http";
    }
}
