package dev.burrow.agent;

import java.util.Locale;

/**
 * The HTTP version the agent speaks to an HTTP tunnel's upstream, chosen by the user rather than negotiated: a
 * mismatch then fails with a clear error on the first request instead of changing behaviour quietly.
 */
public enum UpstreamProtocol {
    /** HTTP/1.1 (over TLS for an {@code https://} upstream); connections kept alive and pooled. */
    HTTP1("http1"),
    /** HTTP/2 over cleartext with prior knowledge, for an {@code http://} upstream such as a gRPC server. */
    H2C("h2c"),
    /** HTTP/2 over TLS, for an {@code https://} upstream, which must agree to {@code h2} in ALPN. */
    H2("h2");

    private final String label;

    UpstreamProtocol(String label) {
        this.label = label;
    }

    /** As users write it: {@code http1}, {@code h2c} or {@code h2}. */
    public String label() {
        return label;
    }

    public boolean isHttp2() {
        return this != HTTP1;
    }

    /** Reads a label, in any case. */
    public static UpstreamProtocol parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (UpstreamProtocol protocol : values()) {
            if (protocol.label.equals(wanted)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("not an upstream protocol: '" + text + "' (use http1, h2c or h2)");
    }

    /** Fails if this protocol cannot be spoken to {@code upstream}: h2c is cleartext only, h2 is TLS only. */
    void checkFits(Upstream upstream) {
        if (this == H2C && upstream.tls()) {
            throw new IllegalArgumentException("h2c is HTTP/2 without TLS; for the https upstream " + upstream
                    + " use h2");
        }
        if (this == H2 && !upstream.tls()) {
            throw new IllegalArgumentException("h2 is HTTP/2 over TLS; for the http upstream " + upstream
                    + " use h2c");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
