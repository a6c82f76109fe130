package dev.burrow.edge;

import dev.burrow.edge.acme.CertificateManager;
import dev.burrow.edge.admin.AdminServer;
import dev.burrow.edge.admin.AuditLog;
import dev.burrow.edge.admin.EdgeMetrics;
import dev.burrow.edge.admin.OperatorSettings;
import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.observe.AccessLog;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.TunnelTraffic;
import dev.burrow.store.Store;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * What the edge's operator watches it through, set up as the edge starts: the audit log always; with the admin
 * listener, the metrics and each tunnel's figures, which the public listeners feed through one
 * {@link ExchangeObserver}, beside the usage meter that is always there; the access log if asked for.
 */
final class EdgeOperations implements AutoCloseable {
    private final OperatorSettings settings;
    private final EdgeContext context;
    private final Store store;
    /** Null without the admin listener. */
    private final EdgeMetrics metrics;
    private final TunnelTraffic traffic;
    private final AuditLog audit = new AuditLog();
    private AdminServer admin;

    /** Has {@code context}'s listeners tell what they see; call before any of them binds. */
    EdgeOperations(OperatorSettings settings, EdgeContext context, Store store) {
        this.settings = settings;
        this.context = context;
        this.store = store;
        List<ExchangeObserver> observers = new ArrayList<>();
        AgentEvents events = audit;
        if (settings.adminAddress() != null) {
            metrics = new EdgeMetrics(() -> context.sessions, context.registry::all,
                    () -> context.connectionLimiter().open());
            traffic = new TunnelTraffic();
            observers.add(metrics);
            observers.add(traffic);
            events = AgentEvents.both(events, AgentEvents.both(metrics, new AgentEvents() {
                @Override
                public void tunnelReleased(Tunnel tunnel) {
                    traffic.forget(tunnel);
                }
            }));
        } else {
            metrics = null;
            traffic = null;
        }
        if (settings.accessLog()) {
            observers.add(new AccessLog());
        }
        context.observe(ExchangeObserver.all(observers), events);
    }

    /** Counts the ACME certificates' orders, when the edge gets its certificates so. */
    void watch(CertificateManager acme) {
        if (metrics != null && acme != null) {
            metrics.watch(acme.orders());
        }
    }

    /**
     * Starts the admin listener if there is to be one; {@code listening} tells whether the edge's listeners are, and
     * the operator's look-ups of domains' TXT records go through {@code proof} on {@code domainChecks}.
     */
    void startAdmin(BooleanSupplier listening, DomainProof proof, Executor domainChecks) {
        if (metrics != null) {
            admin = AdminServer.start(new EdgeAdmin(context, store, traffic, listening, proof, domainChecks),
                    settings, context.config.dataDir(), metrics, audit);
        }
    }

    /** The admin listener's address, or null if there is none. */
    InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
