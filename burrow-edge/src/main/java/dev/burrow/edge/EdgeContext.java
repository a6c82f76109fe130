package dev.burrow.edge;

import dev.burrow.edge.acme.Http01Answers;
import dev.burrow.edge.http.HeldBodyBudget;
import dev.burrow.edge.http.HttpEdge;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.policy.ConnectionPhase;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.sni.SniEdge;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.edge.proxy.ProxyProtocolGate;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenStore;
import dev.burrow.transport.ConnectionLimiter;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** State the edge's handlers share: configuration, routing, the token store, sessions, in-flight work. */
final class EdgeContext implements HttpEdge, SniEdge {
    final EdgeConfig config;
    final TunnelRegistry registry = new TunnelRegistry();
    private final Map<TunnelType, TunnelBinder> binders = new EnumMap<>(TunnelType.class);
    final TokenStore tokens;
    /** Accounts' plans, and the names they reserved: only their own agents may bind those. */
    private final AccountDirectory accounts;
    /** Runs blocking store calls so they never stall an event loop. */
    final ExecutorService storeExecutor;
    /** 5 failures at once per address and per token id, then one each 12 s; 100,000 keys per table at most. */
    final AuthThrottle authThrottle = new AuthThrottle(5, Duration.ofMinutes(1), 100_000, System::nanoTime);
    final Set<AgentSession> sessions = ConcurrentHashMap.newKeySet();
    /** Every open agent and public connection, so that stopping can close them all. */
    final ChannelGroup openChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final HeldBodyBudget heldBodies = new HeldBodyBudget(HeldBodyBudget.DEFAULT_BYTES);
    private volatile CompletableFuture<Void> idle;
    private volatile boolean draining;
    volatile int boundHttpPort;
    volatile int boundTlsPort;
    /** 0 while the edge serves no HTTPS. */
    volatile int boundHttpsPort;
    /** What the public HTTP listener answers to the ACME CA's HTTP-01 requests. */
    final Http01Answers acmeAnswers = new Http01Answers();
    /** The front of every public listener and of the agent port: who must send a PROXY protocol header. */
    final ProxyProtocolGate proxyProtocol;

    /** The plans accounts are held to; a reload replaces them. */
    private volatile Plans plans;
    private final Quotas quotas;
    private final PolicyPhases policyPhases;
    private final ConnectionPhase connectionPhase;
    private final ConnectionLimiter connectionLimiter;
    /** Caps the agent port's connections, apart from the public ones: a visitors' flood never locks agents out. */
    final ConnectionLimiter agentConnectionLimiter;
    /** Meters every account's traffic, whatever else observes it. */
    private final UsageMeter usage;
    /** The meter, and what {@link #observe} adds while the edge starts, before any listener binds. */
    private volatile ExchangeObserver exchangeObserver;
    private volatile AgentEvents events = AgentEvents.NONE;

    EdgeContext(EdgeConfig config, TokenStore tokens, AccountDirectory accounts, UsageMeter usage,
                ExecutorService storeExecutor, PolicyPhases policyPhases) {
        this.config = config;
        this.proxyProtocol = new ProxyProtocolGate(config.proxyProtocolFrom(), config.proxyProtocolTimeout());
        this.plans = config.plans();
        this.quotas = new Quotas(account -> this.plans.of(accounts.planOf(account)), usage, System::nanoTime,
                Clock.systemUTC());
        this.usage = usage;
        this.exchangeObserver = usage;
        this.policyPhases = policyPhases.withRequest(quotas.before(policyPhases.request()));
        this.connectionPhase = quotas.before(withTunnelPolicy(policyPhases.connection()));
        this.connectionLimiter = new ConnectionLimiter("public", config.maxPublicConnections(),
                config.maxPublicConnectionsPerAddress());
        this.agentConnectionLimiter = new ConnectionLimiter("agent", config.maxAgentConnections(),
                config.maxAgentConnectionsPerAddress());
        this.tokens = tokens;
        this.accounts = accounts;
        this.storeExecutor = storeExecutor;
    }

    /**
     * The token's record if it is valid now, its account known to the plans and its month's usage to the meter;
     * blocks: call on the store's thread.
     */
    Optional<TokenRecord> verify(String token) {
        Optional<TokenRecord> record = tokens.verify(token);
        record.ifPresent(r -> {
            accounts.know(r.account());
            usage.know(r.account());
        });
        return record;
    }

    /** Has the public listeners tell {@code exchanges} of every exchange, and the agent port tell {@code agents}. */
    void observe(ExchangeObserver exchanges, AgentEvents agents) {
        this.exchangeObserver = ExchangeObserver.all(List.of(usage, exchanges));
        this.events = agents;
    }

    UsageMeter usage() {
        return usage;
    }

    @Override
    public ExchangeObserver exchangeObserver() {
        return exchangeObserver;
    }

    AgentEvents events() {
        return events;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    /** Stops new work and completes once no public exchange is in flight. */
    CompletableFuture<Void> startDrain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        idle = done;
        draining = true;
        if (inFlight.get() == 0) {
            done.complete(null);
        }
        return done;
    }

    @Override
    public void exchangeStarted() {
        inFlight.incrementAndGet();
    }

    @Override
    public void exchangeEnded() {
        if (inFlight.decrementAndGet() == 0 && idle != null) {
            idle.complete(null);
        }
    }

    @Override
    public void track(Channel channel) {
        openChannels.add(channel);
    }

    @Override
    public HttpTunnel find(String hostname) {
        return (HttpTunnel) registry.find(TunnelType.HTTP, hostname);
    }

    /** True if an HTTP tunnel holds the hostname now: only such names get certificates. */
    boolean holdsHttpName(String hostname) {
        return registry.isBound(TunnelType.HTTP, hostname);
    }

    @Override
    public String acmeChallengeAnswer(String token) {
        return acmeAnswers.answer(token);
    }

    @Override
    public String httpsRedirect(Tunnel tunnel, String uri) {
        if (boundHttpsPort == 0 || !(tunnel instanceof HttpTunnel http) || !http.httpsRedirect()) {
            return null;
        }
        // An absolute-form or asterisk target is rare from a browser; its tunnel's root is the safe place for it.
        return httpsUrl(http.hostname()) + (uri.startsWith("/") ? uri : "/");
    }

    @Override
    public boolean wasRecentlyBound(String hostname) {
        return registry.wasRecentlyBound(TunnelType.HTTP, hostname);
    }

    @Override
    public Tunnel findTls(String serverName) {
        return registry.find(TunnelType.TLS, serverName);
    }

    /** Makes tunnels of {@code binder}'s type bindable; done once per type while the edge starts. */
    void serve(TunnelBinder binder) {
        binders.put(binder.type(), binder);
    }

    /** The binder of a tunnel type, or null if this edge does not serve that type. */
    TunnelBinder binder(TunnelType type) {
        return binders.get(type);
    }

    /** Gives the tunnel its route, and its session the tunnel, unless the route is taken or held for another. */
    TunnelRegistry.Claim claim(Tunnel tunnel) {
        AgentSession session = tunnel.session();
        String account = session.token().account();
        if (tunnel.type() != TunnelType.TCP) {
            String reservedFor = accounts.reservedFor(tunnel.routeKey());
            if (reservedFor != null && !reservedFor.equals(account)) {
                return TunnelRegistry.Claim.RESERVED;
            }
        }
        if (quotas.takeTunnel(account, tunnel.type()) != null) {
            return TunnelRegistry.Claim.OVER_QUOTA;
        }
        TunnelRegistry.Claim claim = registry.bind(tunnel, account);
        if (claim != TunnelRegistry.Claim.BOUND) {
            quotas.returnTunnel(account, tunnel.type());
            return claim;
        }
        session.addTunnel(tunnel);
        if (!session.channel().isActive()) {
            // The connection died while we bound: do not leave a name held by a dead session.
            release(tunnel);
        }
        return claim;
    }

    /** Frees the tunnel's route at once and lets the tunnel go of what else it holds. */
    void release(Tunnel tunnel) {
        release(tunnel, Duration.ZERO);
    }

    /** As {@link #release(Tunnel)}, keeping the route for the tunnel's account for {@code grace}. */
    private void release(Tunnel tunnel, Duration grace) {
        String account = tunnel.session().token().account();
        if (registry.unbind(tunnel, account, grace)) {
            quotas.returnTunnel(account, tunnel.type());
        }
        tunnel.session().removeTunnel(tunnel);
        tunnel.unbound();
        events.tunnelReleased(tunnel);
    }

    /** Why the session's account may not hold one more tunnel of this type now, or null if it may. */
    String overQuota(AgentSession session, TunnelType type) {
        String account = session.token().account();
        String refusal = quotas.takeTunnel(account, type);
        if (refusal == null) {
            quotas.returnTunnel(account, type);
        }
        return refusal;
    }

    /** The plans accounts are held to now. */
    Plans plans() {
        return plans;
    }

    /** Holds accounts to these plans from now on; tunnels online stay, even past a lowered limit. */
    void replacePlans(Plans next) {
        plans = next;
    }

    @Override
    public ConnectionLimiter connectionLimiter() {
        return connectionLimiter;
    }

    @Override
    public PolicyPhases policyPhases() {
        return policyPhases;
    }

    @Override
    public ConnectionPhase connectionPhase() {
        return connectionPhase;
    }

    /** The edge's connection phase, then the tunnel's traffic policy ({@code on_tcp_connect}) if it allowed. */
    private static ConnectionPhase withTunnelPolicy(ConnectionPhase first) {
        return (tunnel, client) -> {
            TrafficPolicy policy = tunnel.policy();
            if (!policy.has(Phase.ON_TCP_CONNECT)) {
                return first.decide(tunnel, client);
            }
            if (first == ConnectionPhase.ALLOW_ALL) {
                return CompletableFuture.completedStage(byPolicy(policy, tunnel, client));
            }
            return first.decide(tunnel, client).thenApply(decided -> decided == ConnectionPhase.Decision.ALLOW
                    ? byPolicy(policy, tunnel, client) : decided);
        };
    }

    private static ConnectionPhase.Decision byPolicy(TrafficPolicy policy, Tunnel tunnel, InetSocketAddress client) {
        return policy.allows(tunnel, client) ? ConnectionPhase.Decision.ALLOW : ConnectionPhase.Decision.REFUSE;
    }

    @Override
    public Duration policyTimeout() {
        return config.policyTimeout();
    }

    @Override
    public ProxyProtocolGate proxyProtocol() {
        return proxyProtocol;
    }

    @Override
    public List<Cidr> trustedProxies() {
        return config.trustedProxies();
    }

    @Override
    public int maxInitialLineLength() {
        return config.maxInitialLineLength();
    }

    @Override
    public int maxHeaderSize() {
        return config.maxHeaderSize();
    }

    @Override
    public int maxStreamsPerConnection() {
        return config.maxStreamsPerPublicConnection();
    }

    @Override
    public HeldBodyBudget heldBodies() {
        return heldBodies;
    }

    @Override
    public Duration headerReadTimeout() {
        return config.headerReadTimeout();
    }

    @Override
    public Duration requestBodyTimeout() {
        return config.requestBodyTimeout();
    }

    @Override
    public int minRequestBodyRate() {
        return config.minRequestBodyRate();
    }

    @Override
    public Duration idleTimeout() {
        return config.idleTimeout();
    }

    @Override
    public int maxClientHelloLength() {
        return config.maxClientHelloLength();
    }

    @Override
    public Duration clientHelloTimeout() {
        return config.clientHelloTimeout();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** A tunnel's address as printed to its agent: on HTTPS if the edge serves it, else on plain HTTP. */
    String publicUrl(String hostname) {
        if (boundHttpsPort != 0) {
            return httpsUrl(hostname);
        }
        int port = config.urlPort(boundHttpPort);
        return "http://" + hostname + (port == 80 ? "" : ":" + port);
    }

    String tlsUrl(String hostname) {
        return "tls://" + hostname + ":" + config.tlsUrlPort(boundTlsPort);
    }

    private String httpsUrl(String hostname) {
        int port = config.httpsUrlPort(boundHttpsPort);
        return "https://" + hostname + (port == 443 ? "" : ":" + port);
    }

    /** Removes every tunnel of a session from routing; their names are free again at once. */
    void unbindAll(AgentSession session) {
        for (Tunnel tunnel : session.tunnels()) {
            release(tunnel);
        }
    }

    /**
     * Removes every tunnel of a session that ended: names are kept for its account for the grace period, unless
     * the agent let them go (it said GOAWAY), its token may no longer be used, or the operator ended it.
     */
    void sessionEnded(AgentSession session) {
        SessionEnd.Reason reason = session.end().reason();
        boolean keep = reason != SessionEnd.Reason.AGENT_DRAINED && reason != SessionEnd.Reason.REVOKED
                && reason != SessionEnd.Reason.OPERATOR;
        for (Tunnel tunnel : session.tunnels()) {
            release(tunnel, keep ? config.nameGrace() : Duration.ZERO);
        }
    }
}
