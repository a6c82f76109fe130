package dev.burrow.edge;

import dev.burrow.edge.admin.AdminEdge;
import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.observe.TunnelTraffic;
import dev.burrow.store.AccountStore;
import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import dev.burrow.store.NameStore;
import dev.burrow.store.Store;
import dev.burrow.store.TokenStore;
import dev.burrow.store.UsageStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The edge as its admin listener sees it: its store, plans and domain, its live sessions and tunnels, its DNS
 * look-ups, its readiness.
 */
final class EdgeAdmin implements AdminEdge {
    /** How long the store may take to answer a readiness probe. */
    private static final Duration STORE_PROBE = Duration.ofSeconds(2);

    private final EdgeContext context;
    private final Store store;
    private final TunnelTraffic traffic;
    private final BooleanSupplier listening;
    private final DomainProof proof;
    private final Executor domainChecks;

    /**
     * @param listening whether every public listener and the agent port are bound
     * @param domainChecks the thread the edge's own look-ups of domains' TXT records run on
     */
    EdgeAdmin(EdgeContext context, Store store, TunnelTraffic traffic, BooleanSupplier listening, DomainProof proof,
              Executor domainChecks) {
        this.context = context;
        this.store = store;
        this.traffic = traffic;
        this.listening = listening;
        this.proof = proof;
        this.domainChecks = domainChecks;
    }

    @Override
    public AccountStore accounts() {
        return store.accounts();
    }

    @Override
    public TokenStore tokens() {
        return store.tokens();
    }

    @Override
    public NameStore names() {
        return store.names();
    }

    @Override
    public DomainStore domains() {
        return store.domains();
    }

    @Override
    public UsageStore usage() {
        return store.usage();
    }

    @Override
    public Plans plans() {
        return context.plans();
    }

    @Override
    public String domain() {
        return context.config.domain();
    }

    @Override
    public CompletableFuture<DomainProof.Result> proveDomain(Domain domain) {
        return CompletableFuture.supplyAsync(() -> proof.check(domain), domainChecks);
    }

    @Override
    public Executor storeExecutor() {
        return context.storeExecutor;
    }

    @Override
    public List<AgentSession> sessions() {
        return List.copyOf(context.sessions);
    }

    @Override
    public List<Tunnel> tunnels() {
        List<Tunnel> bound = List.copyOf(context.registry.all());
        Set<String> ids = bound.stream().map(Tunnel::id).collect(Collectors.toSet());
        traffic.retainOnly(ids);
        return bound;
    }

    @Override
    public TunnelTraffic.Figures traffic(Tunnel tunnel) {
        return traffic.of(tunnel);
    }

    @Override
    public SessionEnding endSession(String id, String reason) {
        for (AgentSession session : context.sessions) {
            if (session.id().equals(id)) {
                return session.endByOperator(reason) ? SessionEnding.ENDED : SessionEnding.ALREADY_ENDING;
            }
        }
        return SessionEnding.NO_SUCH_SESSION;
    }

    @Override
    public CompletableFuture<String> notReady() {
        if (context.draining()) {
            return CompletableFuture.completedFuture("draining");
        }
        if (!listening.getAsBoolean()) {
            return CompletableFuture.completedFuture("listeners_not_bound");
        }
        return CompletableFuture.supplyAsync(() -> store.accounts().find(AccountStore.DEFAULT), context.storeExecutor)
                .orTimeout(STORE_PROBE.toMillis(), TimeUnit.MILLISECONDS)
                .handle((found, error) -> error == null ? null : "store_unreachable");
    }
}
