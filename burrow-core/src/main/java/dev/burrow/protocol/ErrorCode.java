package dev.burrow.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Error codes in {@code error} control messages and in {@link Protocol#AGENT_ERROR}. */
public enum ErrorCode {
    /** The authtoken is missing, malformed, unknown or revoked. Not retryable: the agent exits. */
    AUTH_FAILED("auth_failed", false),
    /**
     * The session's authtoken was revoked, expired or deleted, or its account disabled, while the session was up:
     * the edge ends the session. Not retryable: the agent exits.
     */
    AUTH_REVOKED("auth_revoked", false),
    /**
     * The edge's operator ended the session (the admin API): the message says why. Not retryable: the agent exits,
     * and comes back only when its user starts it again.
     */
    SESSION_ENDED("session_ended", false),
    /** The agent speaks a protocol version the edge does not. Not retryable. */
    VERSION_UNSUPPORTED("version_unsupported", false),
    /** The hostname is bound by another session. Not retryable for this bind. */
    HOSTNAME_TAKEN("hostname_taken", false),
    /** The subdomain or hostname is malformed or not under the edge's domain. Not retryable. */
    HOSTNAME_INVALID("hostname_invalid", false),
    /** The authtoken's scope does not allow this bind: a tunnel type or a name outside it. Not retryable. */
    SCOPE_DENIED("scope_denied", false),
    /**
     * The account holds as many tunnels (or TCP ports) as its plan allows; the message names the limit. Not
     * retryable for this bind: one of the account's tunnels must go first.
     */
    QUOTA_EXCEEDED("quota_exceeded", false),
    /** The TCP port is held by another tunnel, or by another program on the edge. Not retryable for this bind. */
    PORT_TAKEN("port_taken", false),
    /** The TCP port is outside the edge's range for tunnels, or the range has no free port left. */
    PORT_UNAVAILABLE("port_unavailable", false),
    /** The edge does not serve this tunnel type (a TCP tunnel on an edge started without a port range). */
    TUNNEL_TYPE_UNAVAILABLE("tunnel_type_unavailable", false),
    /** The tunnel's traffic policy does not compile: the message names the line and the problem. Not retryable. */
    POLICY_INVALID("policy_invalid", false),
    /** A message broke the protocol (unknown type, bad field, wrong order); an unreadable line ends the session. */
    BAD_MESSAGE("bad_message", false),
    /** Too many failed attempts from this address: the message says how long to wait. */
    RATE_LIMITED("rate_limited", true),
    /** The edge is shutting down: reconnect (with backoff) and bind again. */
    EDGE_DRAINING("edge_draining", true),
    /** The agent could not connect to its upstream. */
    UPSTREAM_UNREACHABLE("upstream_unreachable", true),
    /** The upstream did not answer within the agent's response timeout. */
    UPSTREAM_TIMEOUT("upstream_timeout", true),
    /** The upstream sent something that is not valid HTTP. */
    UPSTREAM_PROTOCOL("upstream_protocol", true),
    /** Anything else on the edge's side. */
    INTERNAL("internal", true),
    /** Agent-side only, never sent: the edge could not be reached (refused, timed out, closed early). */
    EDGE_UNREACHABLE("edge_unreachable", true),
    /** Agent-side only, never sent: the edge's certificate failed verification. Not retryable. */
    EDGE_UNTRUSTED("edge_untrusted", false);

    private final String wireName;
    private final boolean retryable;

    ErrorCode(String wireName, boolean retryable) {
        this.wireName = wireName;
        this.retryable = retryable;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean retryable() {
        return retryable;
    }

    @JsonCreator
    public static ErrorCode fromWire(String name) {
        for (ErrorCode code : values()) {
            if (code.wireName.equals(name)) {
                return code;
            }
        }
        return INTERNAL;
    }
}
