package dev.burrow.edge.policy;

/** The phases of a traffic policy, by the names its text uses. */
public enum Phase {
    ON_TCP_CONNECT("on_tcp_connect"),
    ON_HTTP_REQUEST("on_http_request"),
    ON_HTTP_RESPONSE("on_http_response");

    private final String key;

    Phase(String key) {
        this.key = key;
    }

    /** The key of the phase's rule list in a policy. */
    public String key() {
        return key;
    }

    /** The phase named {@code key}, or null. */
    public static Phase ofKey(String key) {
        for (Phase phase : values()) {
            if (phase.key.equals(key)) {
                return phase;
            }
        }
        return null;
    }
}
