package dev.burrow.edge;

import dev.burrow.edge.acme.CertificateManager;
import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.domain.TxtRecords;
import dev.burrow.edge.http.PublicHttpInitializer;
import dev.burrow.edge.http.RequestPolicy;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.sni.PublicTlsInitializer;
import dev.burrow.edge.https.PublicHttpsInitializer;
import dev.burrow.protocol.Protocol;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.Store;
import dev.burrow.tls.CertificateReload;
import dev.burrow.tls.EdgeCertificate;
import dev.burrow.tls.PublicCertificate;
import dev.burrow.tls.ServedCertificate;
import dev.burrow.transport.ConnectionClose;
import dev.burrow.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge: the agent listener (TLS, HTTP/2), the public HTTP listener, the public HTTPS and TLS listeners if
 * configured, and one listener per TCP tunnel, sharing one tunnel registry.
 * Start one with {@link #start(EdgeConfig)}; stop it with {@link #drain(Duration)} or {@link #close()}.
 */
public final class Edge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Edge.class);
    /** Writes queue up to the high mark before a channel reports unwritable and its peer stops reading. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final EdgeContext context;
    private final Store store;
    private final EventLoops loops;
    private final ExecutorService storeExecutor;
    private final ExecutorService domainChecks;
    private final ServedCertificate<SslContext> agentCertificate;
    /** Null unless HTTPS presents the certificate the operator gave as files. */
    private final ServedCertificate<PublicCertificate> httpsCertificate;
    private final Channel agentListener;
    private final Channel httpListener;
    /** Null if this edge serves no TLS tunnels. */
    private final Channel tlsListener;
    /** Null when the edge serves no HTTPS. */
    private final Channel httpsListener;
    /** Null unless HTTPS certificates come from ACME. */
    private final CertificateManager acmeCertificates;
    private final EdgeOperations operations;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private Edge(EdgeContext context, Store store, EventLoops loops, ExecutorService storeExecutor,
                 ExecutorService domainChecks, ServedCertificate<SslContext> agentCertificate,
                 ServedCertificate<PublicCertificate> httpsCertificate, Channel agentListener, Channel httpListener,
                 Channel httpsListener, Channel tlsListener, CertificateManager acmeCertificates,
                 EdgeOperations operations) {
        this.context = context;
        this.store = store;
        this.loops = loops;
        this.storeExecutor = storeExecutor;
        this.domainChecks = domainChecks;
        this.agentCertificate = agentCertificate;
        this.httpsCertificate = httpsCertificate;
        this.agentListener = agentListener;
        this.httpListener = httpListener;
        this.tlsListener = tlsListener;
        this.httpsListener = httpsListener;
        this.acmeCertificates = acmeCertificates;
        this.operations = operations;
    }

    public static Edge start(EdgeConfig config) {
        return start(config, PolicyPhases.NONE);
    }

    /** {@link #start(EdgeConfig, PolicyPhases)} with {@code policy} as the request phase. */
    public static Edge start(EdgeConfig config, RequestPolicy policy) {
        return start(config, PolicyPhases.NONE.withRequest(policy.asRequestPhase()));
    }

    /**
     * Opens the store, loads or makes the certificate, and binds the listeners; fails if a port is taken or a given
     * certificate cannot be read. Public requests and connections pass {@code phases}.
     */
    public static Edge start(EdgeConfig config, PolicyPhases phases) {
        Store store = config.database() == null ? JdbcStore.openSqlite(config.dataDir(), config.clock())
                : JdbcStore.open(config.database(), config.clock());
        ScheduledExecutorService storeExecutor = Executors.newSingleThreadScheduledExecutor(daemon("burrow-store"));
        ScheduledExecutorService domainChecks = Executors.newSingleThreadScheduledExecutor(daemon("burrow-domains"));
        EventLoops loops = EventLoops.create(0);
        CertificateManager acme = null;
        EdgeOperations operations = null;
        try {
            ServedCertificate<SslContext> agentCertificate = agentCertificate(config);
            AccountDirectory accounts = new AccountDirectory(store, config.domain());
            accounts.run();
            UsageMeter usage = UsageMeter.byTunnelAccount(store.usage());
            EdgeContext context = new EdgeContext(config, store.tokens(), accounts, usage, storeExecutor, phases);
            operations = new EdgeOperations(config.operator(), context, store);
            long every = LiveTokenCheck.INTERVAL.toMillis();
            storeExecutor.scheduleWithFixedDelay(new LiveTokenCheck(store.tokens(), () -> context.sessions), every,
                    every, TimeUnit.MILLISECONDS);
            storeExecutor.scheduleWithFixedDelay(accounts, every, every, TimeUnit.MILLISECONDS);
            long flushEvery = UsageMeter.FLUSH_INTERVAL.toMillis();
            storeExecutor.scheduleWithFixedDelay(usage::flush, flushEvery, flushEvery, TimeUnit.MILLISECONDS);
            DomainProof proof = new DomainProof(TxtRecords.at(config.dnsServer()));
            // The first check at once: records made while the edge was down count from its start.
            domainChecks.scheduleWithFixedDelay(new PendingDomainCheck(store.domains(), proof), 0,
                    config.domainCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
            DomainOwnership domains = new DomainOwnership(store.domains(), config.domain());
            context.serve(HostnameBinder.http(context, domains, context::publicUrl));
            if (config.tcpPorts() != null) {
                context.serve(new TcpBinder(context, loops, config.tcpPorts(), config.httpAddress().getAddress()));
            }
            if (config.tlsAddress() != null) {
                context.serve(HostnameBinder.tls(context, domains, context::tlsUrl));
            }
            Channel agents = bind(loops, config.agentAddress(),
                    new AgentListenerInitializer(context, agentCertificate::served));
            Channel http = bind(loops, config.httpAddress(), new PublicHttpInitializer(context));
            context.boundHttpPort = ((InetSocketAddress) http.localAddress()).getPort();
            Channel tls = null;
            if (config.tlsAddress() != null) {
                tls = bind(loops, config.tlsAddress(), new PublicTlsInitializer(context));
                context.boundTlsPort = ((InetSocketAddress) tls.localAddress()).getPort();
            }
            Channel https = null;
            ServedCertificate<PublicCertificate> httpsCertificate = null;
            if (config.httpsAddress() != null) {
                AsyncMapping<String, PublicCertificate> certificates;
                if (config.acme() != null) {
                    acme = CertificateManager.start(config.acme(), store.certificates(), context::holdsHttpName,
                            context.acmeAnswers, new CertificateNotices(context::find, System::nanoTime));
                    certificates = acme;
                } else {
                    httpsCertificate = ServedCertificate.fromFiles("https", config.tlsCertFile(), config.tlsKeyFile(),
                            given -> new PublicCertificate(given.key(), List.of(given.chain())));
                    certificates = presentedWhateverTheName(httpsCertificate);
                }
                https = bind(loops, config.httpsAddress(),
                        new PublicHttpsInitializer(context, certificates, config.handshakeTimeout()));
                context.boundHttpsPort = ((InetSocketAddress) https.localAddress()).getPort();
            }
            Edge edge = new Edge(context, store, loops, storeExecutor, domainChecks, agentCertificate,
                    httpsCertificate, agents, http, https, tls, acme, operations);
            operations.watch(acme);
            operations.startAdmin(edge::listening, proof, domainChecks);
            log.atInfo().addKeyValue("agents", agents.localAddress()).addKeyValue("http", http.localAddress())
                    .addKeyValue("https", https == null ? null : https.localAddress())
                    .addKeyValue("tls", tls == null ? null : tls.localAddress())
                    .addKeyValue("admin", operations.adminAddress())
                    .addKeyValue("certificates", config.httpsAddress() == null ? null
                            : config.acme() != null ? "acme " + config.acme().directory() : "given")
                    .addKeyValue("domain", config.domain()).addKeyValue("tcp_ports", config.tcpPorts())
                    .addKeyValue("transport", loops.isEpoll() ? "epoll" : "nio")
                    .log("edge listening");
            return edge;
        } catch (Throwable e) {
            // Binding rethrows checked socket exceptions too: nothing started may outlive a failed start.
            if (acme != null) {
                acme.close();
            }
            if (operations != null) {
                operations.close();
            }
            loops.close();
            domainChecks.shutdownNow();
            storeExecutor.shutdownNow();
            store.close();
            throw e;
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The operator's certificate if given as files, or the self-signed one kept in the data directory. */
    private static ServedCertificate<SslContext> agentCertificate(EdgeConfig config) {
        if (config.certFile() != null) {
            return ServedCertificate.fromFiles("agent", config.certFile(), config.keyFile(),
                    given -> given.serverContext(Protocol.ALPN));
        }
        EdgeCertificate selfSigned = EdgeCertificate.loadOrCreateSelfSigned(config.dataDir(),
                List.of(config.domain()), config.agentCertNames());
        if (selfSigned.created()) {
            log.atInfo().addKeyValue("fingerprint", selfSigned.sha256Fingerprint())
                    .addKeyValue("names", String.join(",", selfSigned.names()))
                    .log("created a self-signed certificate for the agent port (agents that pinned an earlier one"
                            + " need this fingerprint)");
        }
        return ServedCertificate.of(selfSigned, made -> made.serverContext(Protocol.ALPN));
    }

    /** The operator's certificate (for the domain and {@code *.domain}), presented whatever the server name. */
    private static AsyncMapping<String, PublicCertificate> presentedWhateverTheName(
            ServedCertificate<PublicCertificate> given) {
        return (serverName, promise) -> promise.setSuccess(given.served());
    }

    private static Channel bind(EventLoops loops, InetSocketAddress address,
                                io.netty.channel.ChannelHandler initializer) {
        return new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer)
                .bind(address)
                .syncUninterruptibly()
                .channel();
    }

    public InetSocketAddress agentAddress() {
        return (InetSocketAddress) agentListener.localAddress();
    }

    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) httpListener.localAddress();
    }

    /** Where public TLS connections arrive, or null if this edge serves no TLS tunnels. */
    public InetSocketAddress tlsAddress() {
        return tlsListener == null ? null : (InetSocketAddress) tlsListener.localAddress();
    }

    /** The admin listener's address, or null if the edge has none. */
    public InetSocketAddress adminAddress() {
        return operations.adminAddress();
    }

    /** True while the agent port and every public listener are bound. */
    private boolean listening() {
        return agentListener.isActive() && httpListener.isActive()
                && (tlsListener == null || tlsListener.isActive()) && (httpsListener == null || httpsListener.isActive());
    }

    /** The public HTTPS listener's address, or null if the edge serves no HTTPS. */
    public InetSocketAddress httpsAddress() {
        return httpsListener == null ? null : (InetSocketAddress) httpsListener.localAddress();
    }

    /** The public ports TCP tunnels get, or null if this edge serves none. */
    public PortRange tcpPorts() {
        return context.config.tcpPorts();
    }

    /** SHA-256 fingerprint of the agent port's certificate, for agents that pin it; a reload may change it. */
    public String certificateFingerprint() {
        return agentCertificate.certificate().sha256Fingerprint();
    }

    /**
     * Reads again the certificate files the edge was given, the agent port's and HTTPS's: connections arriving
     * afterwards get what they hold now, while open connections, and the tunnels of agents connected, carry on. A
     * certificate whose files no longer read stays as it was. Self-signed and ACME certificates have no files to
     * read again.
     */
    public EdgeReload reload() {
        List<CertificateReload> certificates = new ArrayList<>();
        agentCertificate.reload().ifPresent(certificates::add);
        if (httpsCertificate != null) {
            httpsCertificate.reload().ifPresent(certificates::add);
        }
        return new EdgeReload(certificates);
    }

    public Store store() {
        return store;
    }

    /** Tunnels currently bound, for operators and tests. */
    public List<Tunnel> tunnels() {
        return List.copyOf(context.registry.all());
    }

    /**
     * Holds accounts to these plans from now on: new binds and requests are judged by them; tunnels online stay,
     * even past a lowered limit.
     */
    public void replacePlans(Plans plans) {
        context.replacePlans(plans);
    }

    /** {@link #drain(Duration)} with the configured grace period. */
    public void drain() {
        drain(context.config.drainGrace());
    }

    /**
     * Stops taking new agents, tunnels and public connections, lets in-flight exchanges finish within
     * {@code grace} (an exchange finishes when its response's last bytes were written to the client), tells every
     * agent to go, then closes everything, giving clients the rest of the grace to read what they were sent. What
     * the grace cannot fit is cut. Safe to call more than once.
     */
    public synchronized void drain(Duration grace) {
        if (closed.isDone()) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        log.atInfo().addKeyValue("grace", grace).addKeyValue("in_flight", context.inFlight()).log("edge draining");
        agentListener.close().syncUninterruptibly();
        httpListener.close().syncUninterruptibly();
        if (tlsListener != null) {
            tlsListener.close().syncUninterruptibly();
        }
        if (httpsListener != null) {
            httpsListener.close().syncUninterruptibly();
        }
        boolean finished = false;
        try {
            context.startDrain().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            finished = true;
        } catch (TimeoutException e) {
            log.atWarn().addKeyValue("in_flight", context.inFlight()).log("grace period over, cutting exchanges");
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
        List<AgentSession> sessions = List.copyOf(context.sessions);
        sessions.forEach(session -> session.drain("edge shutting down"));
        for (AgentSession session : sessions) {
            // The drain message must reach the agent before the event loops stop.
            session.channel().closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        // Public clients may still be reading the ends of their responses: they get the rest of the grace for it.
        shutdown(finished ? Duration.ofNanos(Math.max(0, deadline - System.nanoTime())) : Duration.ZERO);
    }

    /** Closes at once: every connection is cut. */
    @Override
    public synchronized void close() {
        if (closed.isDone()) {
            return;
        }
        agentListener.close();
        httpListener.close();
        if (tlsListener != null) {
            tlsListener.close();
        }
        if (httpsListener != null) {
            httpsListener.close();
        }
        shutdown(Duration.ZERO);
    }

    /**
     * Closes every connection: HTTP clients may read what they were sent for up to {@code linger}; connections of TCP
     * and TLS tunnels are reset, since an ordinary close would pass for their service's own end.
     */
    private void shutdown(Duration linger) {
        context.sessions.forEach(session -> session.end().record(SessionEnd.Reason.EDGE_STOPPED, null));
        List<ChannelFuture> lingering = new ArrayList<>();
        for (Channel channel : context.openChannels) {
            Channel listener = channel.parent();
            if (listener == httpListener || listener == httpsListener) {
                if (!linger.isZero()) {
                    ConnectionClose.lingering(channel, linger);
                    lingering.add(channel.closeFuture());
                }
            } else if (listener != agentListener) {
                ConnectionClose.reset(channel);
            }
        }
        long lingerEnd = System.nanoTime() + linger.toNanos();
        for (ChannelFuture clientClosed : lingering) {
            clientClosed.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(lingerEnd - System.nanoTime())));
        }
        // Every connection is closed explicitly before the loops stop: the loops' own shutdown was seen to leave an
        // agent's connection open now and then, and the agent then waits for its heartbeat to notice.
        context.openChannels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (acmeCertificates != null) {
            acmeCertificates.close();
        }
        operations.close();
        loops.close();
        domainChecks.shutdownNow();
        storeExecutor.shutdownNow();
        try {
            if (storeExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                // Every exchange has ended with the loops: what they carried since the last flush is recorded too.
                context.usage().flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        closed.complete(null);
        log.info("edge stopped");
    }

    /** Completes when the edge has stopped. */
    public CompletableFuture<Void> onClose() {
        return closed;
    }
}
