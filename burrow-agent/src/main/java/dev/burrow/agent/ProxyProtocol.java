package dev.burrow.agent;

/**
 * Whether a TCP or TLS tunnel's upstream is told who each client is, by a PROXY protocol header (HAProxy's
 * specification) sent before the connection's first byte. The upstream must expect the header: one that does not
 * takes it for the start of the client's data.
 */
public enum ProxyProtocol {
    /** No header: the upstream sees the agent as the client. */
    OFF,
    /** Version 1, one line of text: {@code PROXY TCP4 <client ip> <edge ip> <client port> <edge port>\r\n}. */
    V1,
    /** Version 2, the binary form. */
    V2;

    /** From a version number as users write it: {@code 1} or {@code 2}. */
    public static ProxyProtocol version(String text) {
        return switch (text.strip()) {
            case "1" -> V1;
            case "2" -> V2;
            default -> throw new IllegalArgumentException("'" + text + "' is not a PROXY protocol version: give 1"
                    + " or 2");
        };
    }
}
