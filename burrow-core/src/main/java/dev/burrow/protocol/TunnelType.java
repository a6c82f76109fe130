package dev.burrow.protocol;

/** Tunnel types an agent may bind; the wire name goes in {@code bind.tunnel}. */
public enum TunnelType {
    /** HTTP requests routed by Host, on the edge's HTTP port. */
    HTTP("http"),
    /** Raw TCP connections on a port of the edge's own. */
    TCP("tcp"),
    /** TLS connections routed by the ClientHello's server name on the edge's TLS port, passed through undecrypted. */
    TLS("tls");

    private final String wireName;

    TunnelType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the type, or null if unknown */
    public static TunnelType fromWire(String name) {
        for (TunnelType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
