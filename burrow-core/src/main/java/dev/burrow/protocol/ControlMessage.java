package dev.burrow.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * Messages on the control stream, one JSON object per line, {@code "type"} naming the variant. The agent sends
 * {@code hello} first and nothing else until {@code welcome}; each answer to a bind carries that bind's {@code id}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ControlMessage.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = ControlMessage.Bind.class, name = "bind"),
        @JsonSubTypes.Type(value = ControlMessage.Bound.class, name = "bound"),
        @JsonSubTypes.Type(value = ControlMessage.Unbind.class, name = "unbind"),
        @JsonSubTypes.Type(value = ControlMessage.Update.class, name = "update"),
        @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
        @JsonSubTypes.Type(value = ControlMessage.Drain.class, name = "drain"),
        @JsonSubTypes.Type(value = ControlMessage.Denied.class, name = "denied"),
        @JsonSubTypes.Type(value = ControlMessage.Certificate.class, name = "certificate"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ControlMessage {

    /**
     * Agent to edge, first: who is asking. {@code client} is free text such as {@code burrow/0.1.0 linux};
     * {@code features} names the optional edge-to-agent messages this agent understands ({@link Protocol#FEATURES}),
     * so an edge never sends an older agent a type it would close the connection over. {@code resume}, on a
     * reconnect, is the session the agent had on this edge before: if the edge still holds it open (the agent noticed
     * the connection went silent before the edge did) and it was made with the same token, the edge ends it and frees
     * its names for this session.
     */
    record Hello(int version, String authtoken, String client, List<String> features, String resume)
            implements ControlMessage {
        public Hello(int version, String authtoken, String client) {
            this(version, authtoken, client, null, null);
        }

        public Hello(int version, String authtoken, String client, List<String> features) {
            this(version, authtoken, client, features, null);
        }

        /** This hello, asking to take the place of {@code session} (null: a fresh session). */
        public Hello resuming(String session) {
            return new Hello(version, authtoken, client, features, session);
        }

        /** True if the agent said it understands {@code feature}. */
        public boolean understands(String feature) {
            return features != null && features.contains(feature);
        }

        @Override
        public String toString() {
            return "Hello[version=" + version + ", client=" + client + ", features=" + features + ", resume=" + resume
                    + "]";
        }
    }

    /** Edge to agent: authenticated. {@code edge} identifies the edge (its id in a fleet). */
    record Welcome(String session, String edge) implements ControlMessage {
    }

    /**
     * Agent to edge: give me a public address. {@code tunnel} is a type from {@link TunnelType}. For HTTP and TLS,
     * at most one of {@code subdomain} (under the edge's domain) and {@code hostname} (a full name); neither means
     * a random name. For HTTP, {@code httpsRedirect} true asks the edge to answer plain-HTTP requests with a redirect
     * to HTTPS, and {@code forwarded} true asks for an RFC 7239 {@code Forwarded} header on every request; absent
     * means false. For TCP, {@code port} asks for one port of the edge's range; absent means any free one.
     * {@code trafficPolicy}, for any type, is the text of the tunnel's traffic policy (YAML or JSON, at most 32 KiB),
     * which the edge compiles and enforces; a policy it refuses fails the bind with {@code policy_invalid}.
     */
    record Bind(long id, String tunnel, String subdomain, String hostname, Integer port, Boolean httpsRedirect,
                Boolean forwarded, String trafficPolicy) implements ControlMessage {
        /** A bind by name, for HTTP and TLS tunnels. */
        public static Bind named(long id, TunnelType type, String subdomain, String hostname) {
            return new Bind(id, type.wireName(), subdomain, hostname, null, null, null, null);
        }

        /** A bind of a TCP tunnel: one port of the edge's range, or any free one if {@code port} is null. */
        public static Bind port(long id, Integer port) {
            return new Bind(id, TunnelType.TCP.wireName(), null, null, port, null, null, null);
        }

        /** This bind, asking for a redirect to HTTPS or not (the field is left out when false). */
        public Bind withHttpsRedirect(boolean on) {
            return new Bind(id, tunnel, subdomain, hostname, port, on ? Boolean.TRUE : null, forwarded,
                    trafficPolicy);
        }

        /** This bind, asking for a {@code Forwarded} header or not (the field is left out when false). */
        public Bind withForwarded(boolean on) {
            return new Bind(id, tunnel, subdomain, hostname, port, httpsRedirect, on ? Boolean.TRUE : null,
                    trafficPolicy);
        }

        /** This bind, carrying {@code text} as the tunnel's traffic policy (left out when null). */
        public Bind withTrafficPolicy(String text) {
            return new Bind(id, tunnel, subdomain, hostname, port, httpsRedirect, forwarded, text);
        }

        public boolean redirectsToHttps() {
            return Boolean.TRUE.equals(httpsRedirect);
        }
    }

    /**
     * Edge to agent: bind {@code id} succeeded; streams for it will carry {@code tunnelId}. {@code hostname} is set
     * for HTTP and TLS tunnels, {@code port} for TCP ones.
     */
    record Bound(long id, String tunnelId, String hostname, String url, Integer port) implements ControlMessage {
    }

    /**
     * Agent to edge: from now on, run {@code trafficPolicy} (null or empty: none) for this tunnel, which keeps its
     * address and its connections. Answered like a bind, with {@code bound} for the tunnel as it stands, or an
     * {@code error} ({@code policy_invalid}, or {@code bad_message} for a tunnel this session does not hold).
     */
    record Update(long id, String tunnelId, String trafficPolicy) implements ControlMessage {
    }

    /** Agent to edge: free this tunnel's address now. */
    record Unbind(String tunnelId) implements ControlMessage {
    }

    /** Either way: a request failed ({@code id} set) or the session is refused ({@code id} absent). */
    record Error(Long id, ErrorCode code, String message) implements ControlMessage {
    }

    /** Edge to agent: the edge is going away; finish in-flight streams, then reconnect and bind again. */
    record Drain(String reason) implements ControlMessage {
    }

    /**
     * Edge to agent: the tunnel's traffic policy answered a request at the edge with {@code status} (400 or more), so
     * it never came through the tunnel; for the agent's inspector. {@code rule} is the rule's name (or its place),
     * {@code reason} the answer's {@code burrow-error} code. Sent as the edge logs denials: bounded per tunnel.
     */
    record Denied(String tunnelId, String client, String method, String uri, String host, int status, String rule,
                  String reason) implements ControlMessage {
    }

    /**
     * Edge to agent, when the edge gets its certificates from an ACME CA: what became of the certificate for
     * {@code hostname}, a name of tunnel {@code tunnelId} (see {@link CertificateEvent} for {@code detail}). Sent only
     * to agents whose {@code hello} lists {@link Protocol#FEATURE_CERTIFICATE}, at most once a minute for one event
     * of one name.
     */
    record Certificate(String tunnelId, String hostname, CertificateEvent event, String detail)
            implements ControlMessage {
    }
}
