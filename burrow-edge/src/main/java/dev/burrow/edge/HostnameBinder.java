package dev.burrow.edge;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HostnameRules;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenScope;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds tunnels that are routed by hostname: a subdomain of the edge's domain, a full name under it, a random
 * readable name, or a name outside it that a verified domain of the session's account covers. HTTP tunnels are
 * routed by the Host header; TLS tunnels by the ClientHello's server name.
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
    private final DomainOwnership domains;
    private final TunnelType type;
    private final TunnelFactory factory;

    HostnameBinder(EdgeContext edge, DomainOwnership domains, TunnelType type, TunnelFactory factory) {
        this.edge = edge;
        this.domains = domains;
        this.type = type;
        this.factory = factory;
    }

    /** HTTP tunnels, with URLs on the edge's public HTTPS port if it has one, else on its HTTP port. */
    static HostnameBinder http(EdgeContext edge, DomainOwnership domains, Function<String, String> urlOf) {
        return new HostnameBinder(edge, domains, TunnelType.HTTP, (id, hostname, bind, session, policy) ->
                new HttpTunnel(id, hostname, urlOf.apply(hostname), bind.redirectsToHttps(),
                        Boolean.TRUE.equals(bind.forwarded()), session, new PolicySlot(policy)));
    }

    /** TLS tunnels, with URLs on the edge's public TLS port. */
    static HostnameBinder tls(EdgeContext edge, DomainOwnership domains, Function<String, String> urlOf) {
        return new HostnameBinder(edge, domains, TunnelType.TLS,
                (id, hostname, bind, session, policy) -> new TlsTunnel(id, hostname, urlOf.apply(hostname), session,
                        new PolicySlot(policy)));
    }

    @Override
    public TunnelType type() {
        return type;
    }

    @Override
    public CompletionStage<ControlMessage> bind(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        if (bind.subdomain() != null && bind.hostname() != null) {
            return refused(bind, "give a subdomain or a hostname, not both");
        }
        TokenScope scope = session.token().scope();
        if (bind.subdomain() == null && bind.hostname() == null) {
            if (!scope.names().isEmpty()) {
                return CompletableFuture.completedFuture(outOfScope(bind, session));
            }
            return CompletableFuture.completedFuture(bindRandom(bind, session, policy));
        }
        String domain = edge.config.domain();
        String hostname;
        if (bind.subdomain() != null) {
            String label = bind.subdomain().toLowerCase(Locale.ROOT);
            if (!HostnameRules.isValidLabel(label)) {
                return refused(bind, "subdomain '" + bind.subdomain() + "' is not a valid DNS label");
            }
            hostname = label + "." + domain;
        } else {
            hostname = bind.hostname().toLowerCase(Locale.ROOT);
            if (!HostnameRules.isValidHostname(hostname)) {
                return refused(bind, "hostname '" + bind.hostname() + "' is not a valid DNS name");
            }
            if (hostname.equals(domain)) {
                return refused(bind, "hostname '" + bind.hostname() + "' is this edge's own name");
            }
        }
        // The token's scope first: it is known here, while a name outside the domain costs a store look-up.
        if (!scope.allowsName(hostname, domain)) {
            return CompletableFuture.completedFuture(outOfScope(bind, session));
        }
        if (hostname.endsWith("." + domain)) {
            return CompletableFuture.completedFuture(tryBind(bind, hostname, session, policy));
        }
        return bindOwned(bind, hostname, session, policy);
    }

    /** A name outside the edge's domain: asks the store off the event loop, then binds back on it if allowed. */
    private CompletionStage<ControlMessage> bindOwned(ControlMessage.Bind bind, String hostname,
                                                      AgentSession session, TrafficPolicy policy) {
        String account = session.token().account();
        return CompletableFuture.supplyAsync(() -> domains.refusal(account, hostname), edge.storeExecutor)
                .thenApplyAsync(refusal -> {
                    if (refusal == null) {
                        return tryBind(bind, hostname, session, policy);
                    }
                    log.atInfo().addKeyValue("session", session.id()).addKeyValue("hostname", hostname)
                            .log("bind refused: {}", refusal);
                    return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID, refusal);
                }, session.eventLoop());
    }

    private static CompletionStage<ControlMessage> refused(ControlMessage.Bind bind, String message) {
        return CompletableFuture.completedFuture(new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                message));
    }

    private static ControlMessage outOfScope(ControlMessage.Bind bind, AgentSession session) {
        TokenRecord token = session.token();
        return new ControlMessage.Error(bind.id(), ErrorCode.SCOPE_DENIED, "authtoken '" + token.name()
                + "' may bind only the names " + String.join(", ", token.scope().names()));
    }

    private ControlMessage bindRandom(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        for (int attempt = 0; attempt < RANDOM_NAME_ATTEMPTS; attempt++) {
            String hostname = Hostnames.randomLabel() + "." + edge.config.domain();
            if (edge.registry.isFresh(type, hostname)) {
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
        TunnelRegistry.Claim claim = edge.claim(tunnel);
        if (claim == TunnelRegistry.Claim.BOUND) {
            return tunnel.bound(bind.id());
        }
        if (claim == TunnelRegistry.Claim.OVER_QUOTA) {
            return new ControlMessage.Error(bind.id(), ErrorCode.QUOTA_EXCEEDED, edge.overQuota(session, type));
        }
        log.atWarn().addKeyValue("session", session.id()).addKeyValue("hostname", hostname)
                .addKeyValue("claim", claim).log("bind refused: hostname taken");
        return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_TAKEN, switch (claim) {
            case HELD -> "hostname " + hostname + " is held for the account whose agent bound it, until it reconnects";
            case RESERVED -> "hostname " + hostname + " is reserved for another account";
            default -> "hostname " + hostname + " is already bound by another tunnel";
        });
    }
}
