package dev.burrow.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What became of a certificate the edge gets from an ACME CA for a tunnel's name, in {@code certificate} messages. */
public enum CertificateEvent {
    /** The edge asked the CA for one; the detail says why: {@code first use} or {@code renewal}. */
    ORDERED("ordered"),
    /** The CA issued it and the edge serves it from now on; the detail is its expiry, an ISO-8601 instant. */
    ISSUED("issued"),
    /** The order failed; the detail says why. The next HTTPS visit (or renewal check) orders again. */
    FAILED("failed"),
    /** The edge did not order: its issuance limits are reached; the detail names the limit. */
    LIMITED("limited");

    private final String wireName;

    CertificateEvent(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The event of {@code name}; null for one this agent does not know, which it then ignores. */
    @JsonCreator
    public static CertificateEvent fromWire(String name) {
        for (CertificateEvent event : values()) {
            if (event.wireName.equals(name)) {
                return event;
            }
        }
        return null;
    }
}
