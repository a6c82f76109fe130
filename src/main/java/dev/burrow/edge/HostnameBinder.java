package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.TunnelType;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds tunnels that are routed by hostname: a subdomain of the edge's domain, a full name under it, or a random
 * readable name. HTTP tunnels are routed by the Host header; TLS tunnels by the ClientHello's server name.
 */
final class HostnameBinder implements TunnelBinder {
    private static final Logger log = LoggerFactory.getLogger(HostnameBinder.class);
    private static final int RANDOM_NAME_ATTEMPTS = 20;

    /** Makes the tunnel once a name is chosen: given its id, hostname, the bind that asked for it, and session. */
    interface TunnelFactory {
        Tunnel create(String id, String hostname, ControlMessage.Bind bind, AgentSession session,
                      TrafficPolicy policy);
    }

    private final EdgeContext edge;
    private final TunnelType type;
    private final TunnelFactory factory;

    HostnameBinder(EdgeContext edge, TunnelType type, TunnelFactory factory) {
        this.edge = edge;
        this.type = type;
        this.factory = factory;
    }

    /** HTTP tunnels, with URLs on the edge's public HTTPS port if it has one, else on its HTTP port. */
    static HostnameBinder http(EdgeContext edge, Function<String, String> urlOf) {
        return new HostnameBinder(edge, TunnelType.HTTP, (id, hostname, bind, session, policy) ->
                new HttpTunnel(id, hostname, urlOf.apply(hostname), bind.redirectsToHttps(),
                        Boolean.TRUE.equals(bind.forwarded()), session, new PolicySlot(policy)));
    }

    /** TLS tunnels, with URLs on the edge's public TLS port. */
    static HostnameBinder tls(EdgeContext edge, Function<String, String> urlOf) {
        return new HostnameBinder(edge, TunnelType.TLS,
                (id, hostname, bind, session, policy) -> new TlsTunnel(id, hostname, urlOf.apply(hostname), session,
                        new PolicySlot(policy)));
    }

    @Override
    public TunnelType type() {
        return type;
    }

    @Override
    public CompletionStage<ControlMessage> bind(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        return CompletableFuture.completedFuture(bindNow(bind, session, policy));
    }

    private ControlMessage bindNow(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        if (bind.subdomain() != null && bind.hostname() != null) {
            return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                    "give a subdomain or a hostname, not both");
        }
        if (bind.subdomain() == null && bind.hostname() == null) {
            return bindRandom(bind, session, policy);
        }
        String hostname;
        if (bind.subdomain() != null) {
            String label = bind.subdomain().toLowerCase(Locale.ROOT);
            if (!Hostnames.isValidLabel(label)) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "subdomain '" + bind.subdomain() + "' is not a valid DNS label");
            }
            hostname = label + "." + edge.config.domain();
        } else {
            hostname = bind.hostname().toLowerCase(Locale.ROOT);
            if (!Hostnames.isValidHostname(hostname)) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "hostname '" + bind.hostname() + "' is not a valid DNS name");
            }
            // Names outside the edge's domain would need proof of ownership, which accounts will bring.
            if (!hostname.endsWith("." + edge.config.domain())) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "hostname '" + bind.hostname() + "' is not under this edge's domain " + edge.config.domain());
            }
        }
        return tryBind(bind, hostname, session, policy);
    }

    private ControlMessage bindRandom(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        for (int attempt = 0; attempt < RANDOM_NAME_ATTEMPTS; attempt++) {
            String hostname = Hostnames.randomLabel() + "." + edge.config.domain();
            if (!edge.registry.isBound(type, hostname)) {
                ControlMessage result = tryBind(bind, hostname, session, policy);
                if (result instanceof ControlMessage.Bound) {
                    return result;
                }
            }
        }
        return new ControlMessage.Error(bind.id(), ErrorCode.INTERNAL, "no free random name; try --subdomain");
    }

    private ControlMessage tryBind(ControlMessage.Bind bind, String hostname, AgentSession session,
                               TrafficPolicy policy) {
        Tunnel tunnel = factory.create(UUID.randomUUID().toString(), hostname, bind, session, policy);
        if (!edge.claim(tunnel)) {
            log.atWarn().addKeyValue("session", session.id()).addKeyValue("hostname", hostname)
                    .log("bind refused: hostname taken");
            return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_TAKEN,
                    "hostname " + hostname + " is already bound by another tunnel");
        }
        return tunnel.bound(bind.id());
    }
}
