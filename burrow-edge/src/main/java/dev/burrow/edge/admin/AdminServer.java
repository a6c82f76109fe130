package dev.burrow.edge.admin;

import dev.burrow.edge.AuthThrottle;
import dev.burrow.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's admin listener: plain HTTP/1.1 with JSON answers, for the operator's scripts, a Prometheus scraper and
 * the dashboard page, on an event loop of its own, apart from the tunnels' traffic. Meant for the loopback or a
 * private network: it speaks no TLS, and everything but the probes and the page's files needs the admin token, or
 * a dashboard session begun with it.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int BACKLOG = 64;

    private final EventLoops loops;
    private final Channel listener;

    private AdminServer(EventLoops loops, Channel listener) {
        this.loops = loops;
        this.listener = listener;
    }

    /**
     * Listens on {@code settings.adminAddress()}, with the token given in {@code settings}, else the one kept in
     * {@code dataDir} (made there on first start).
     */
    public static AdminServer start(AdminEdge edge, OperatorSettings settings, Path dataDir, EdgeMetrics metrics,
                                    AuditLog audit) {
        AdminToken token = settings.adminToken() != null ? AdminToken.of(settings.adminToken())
                : AdminToken.inDataDir(dataDir);
        // As the agent port's: 5 failures at once per address, then one each 12 s.
        AuthThrottle throttle = new AuthThrottle(5, Duration.ofMinutes(1), 10_000, System::nanoTime);
        TokenCheck tokens = new TokenCheck(token, throttle, metrics, audit);
        OperatorSessions sessions = new OperatorSessions(System::nanoTime);
        AdminGate gate = new AdminGate(tokens, sessions, settings.metricsPublic(), metrics, audit);
        AdminApi api = new AdminApi(routes(edge, metrics), audit);
        EventLoops loops = EventLoops.create(1);
        try {
            Channel listener = new ServerBootstrap()
                    .group(loops.group())
                    .channel(loops.serverChannelType())
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new AdminInitializer(new DashboardPage(),
                            new OperatorLogin(tokens, sessions, audit), gate, api))
                    .bind(settings.adminAddress())
                    .syncUninterruptibly()
                    .channel();
            log.atInfo().addKeyValue("admin", listener.localAddress())
                    .addKeyValue("metrics", settings.metricsPublic() ? "public" : "token").log("admin listening");
            return new AdminServer(loops, listener);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /** Every call of the admin API; docs/admin-api.md shows each. */
    private static List<AdminRoute> routes(AdminEdge edge, EdgeMetrics metrics) {
        ProbesEndpoint probes = new ProbesEndpoint(edge, metrics);
        AccountsEndpoint accounts = new AccountsEndpoint(edge);
        TokensEndpoint tokens = new TokensEndpoint(edge);
        LiveEndpoint live = new LiveEndpoint(edge);
        NamesEndpoint names = new NamesEndpoint(edge);
        DomainsEndpoint domains = new DomainsEndpoint(edge);
        PlansEndpoint plans = new PlansEndpoint(edge);
        UsageEndpoint usage = new UsageEndpoint(edge);
        HttpMethod get = HttpMethod.GET;
        HttpMethod post = HttpMethod.POST;
        HttpMethod delete = HttpMethod.DELETE;
        return List.of(
                new AdminRoute(get, "/healthz", null, probes::health),
                new AdminRoute(get, "/readyz", null, probes::ready),
                new AdminRoute(get, "/metrics", null, probes::metrics),
                new AdminRoute(get, "/api/accounts", "accounts.list", accounts::list),
                new AdminRoute(post, "/api/accounts", "accounts.create", accounts::create),
                new AdminRoute(get, "/api/accounts/{}", "accounts.show", accounts::show),
                new AdminRoute(delete, "/api/accounts/{}", "accounts.delete", accounts::delete),
                new AdminRoute(post, "/api/accounts/{}/disable", "accounts.disable", accounts::disable),
                new AdminRoute(post, "/api/accounts/{}/enable", "accounts.enable", accounts::enable),
                new AdminRoute(post, "/api/accounts/{}/plan", "accounts.set_plan", accounts::setPlan),
                new AdminRoute(get, "/api/tokens", "tokens.list", tokens::list),
                new AdminRoute(post, "/api/tokens", "tokens.create", tokens::create),
                new AdminRoute(delete, "/api/tokens/{}", "tokens.revoke", tokens::revoke),
                new AdminRoute(get, "/api/sessions", "sessions.list", live::sessions),
                new AdminRoute(get, "/api/sessions/{}", "sessions.show", live::session),
                new AdminRoute(delete, "/api/sessions/{}", "sessions.end", live::end),
                new AdminRoute(get, "/api/tunnels", "tunnels.list", live::tunnels),
                new AdminRoute(get, "/api/names", "names.list", names::list),
                new AdminRoute(post, "/api/names", "names.reserve", names::reserve),
                new AdminRoute(delete, "/api/names/{}", "names.release", names::release),
                new AdminRoute(get, "/api/domains", "domains.list", domains::list),
                new AdminRoute(post, "/api/domains", "domains.add", domains::add),
                new AdminRoute(post, "/api/domains/{}/verify", "domains.verify", domains::verify),
                new AdminRoute(delete, "/api/domains/{}", "domains.remove", domains::remove),
                new AdminRoute(get, "/api/plans", "plans.list", plans::list),
                new AdminRoute(get, "/api/usage", "usage.list", usage::list));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        loops.close();
    }
}
