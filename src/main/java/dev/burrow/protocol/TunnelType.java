package dev.burrow.protocol;

/** Tunnel types an agent may bind; the wire name goes in {@code bind.tunnel}. TCP and TLS join here later. */
public enum TunnelType {
    HTTP("http");

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
