package dev.burrow.protocol;

/** What a stream carries; decided once, from {@link Protocol#STREAM_KIND}, when the stream opens. */
public enum StreamKind {
    /** Newline-delimited JSON {@link ControlMessage}s both ways; the first stream of every connection. */
    CONTROL("control"),
    /** One HTTP exchange of an HTTP tunnel, in HTTP/2 semantics. */
    HTTP("http"),
    /** An HTTP/1.1 upgrade (WebSocket): an exchange whose stream becomes a byte pipe once the upstream switches. */
    UPGRADE("upgrade"),
    /** One public connection of a TCP or TLS tunnel: a byte pipe to the upstream from its first frame on. */
    CONNECTION("connection");

    private final String wireName;

    StreamKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the kind, or null for a name this version does not know */
    public static StreamKind fromWire(CharSequence name) {
        if (name == null) {
            return null;
        }
        for (StreamKind kind : values()) {
            if (kind.wireName.contentEquals(name)) {
                return kind;
            }
        }
        return null;
    }
}
