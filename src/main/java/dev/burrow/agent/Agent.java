package dev.burrow.agent;

import dev.burrow.Version;
import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ReplayEdits;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import dev.burrow.tls.ServerTrust;
import dev.burrow.tls.UpstreamTls;
import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.EventLoops;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.Http2Tuning;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as a library: connects to an edge, binds tunnels, and forwards their requests to local services.
 *
 * <pre>{@code
 * try (Agent agent = Agent.builder().edge("edge.example.com:4443").authtoken(token).build().start()) {
 *     AgentTunnel tunnel = agent.http(HttpTunnelOptions.to("8080"));
 *     System.out.println(tunnel.url());
 * }
 * }</pre>
 *
 * <p>If the connection drops, the agent reconnects with exponential backoff and jitter and binds every tunnel
 * again under the same name. {@link #close()} frees the names at the edge at once and waits briefly for in-flight
 * requests.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final Builder config;
    private final EventLoops loops;
    private final SslContext edgeTls;
    private final ReconnectDelays delays;
    private final List<AgentTunnel> tunnels = new CopyOnWriteArrayList<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    /** Names of running tunnels, taken before a bind so that two binds cannot take one name. */
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<AgentException> stopped = new CompletableFuture<>();
    private volatile EdgeConnection connection;
    private volatile boolean closing;
    private final UpstreamPool upstreamPool = new UpstreamPool(this);
    private final Http2Upstreams http2Upstreams = new Http2Upstreams(this);
    /** Upstream TLS contexts by certificate policy and protocol, made when first needed. */
    private final Map<List<Boolean>, SslContext> upstreamTls = new ConcurrentHashMap<>();

    private Agent(Builder config) {
        this.config = config;
        this.loops = EventLoops.create(config.threads);
        this.edgeTls = config.trust.clientContext(Protocol.ALPN);
        this.delays = new ReconnectDelays(new Backoff(config.backoffBase, config.backoffCap,
                ThreadLocalRandom.current()::nextDouble), System::nanoTime);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects and authenticates; returns once the edge has welcomed this agent.
     *
     * @throws AgentException if the edge cannot be reached, is not trusted, or refuses the authtoken
     */
    public Agent start() {
        try {
            EdgeConnection first = await(connect(), config.connectTimeout.plus(config.connectTimeout));
            established(first);
            return this;
        } catch (AgentException e) {
            loops.close();
            throw e;
        }
    }

    /** Binds an HTTP tunnel and returns once the edge has given it a public URL. */
    public AgentTunnel http(HttpTunnelOptions options) {
        return bind(options);
    }

    /** Binds a TCP tunnel and returns once the edge has given it a public port. */
    public AgentTunnel tcp(TcpTunnelOptions options) {
        return bind(options);
    }

    /** Binds a TLS tunnel and returns once the edge has given it a public hostname on its TLS port. */
    public AgentTunnel tls(TlsTunnelOptions options) {
        return bind(options);
    }

    /** Binds a tunnel of any type and returns once the edge has given it its public address. */
    public AgentTunnel bind(TunnelOptions options) {
        return bind(null, options);
    }

    /**
     * As {@link #bind(TunnelOptions)}, under a name the agent's user knows it by (a config file's, say).
     *
     * @throws IllegalArgumentException if a running tunnel has that name already
     */
    public AgentTunnel bind(String name, TunnelOptions options) {
        if (name != null && !names.add(name)) {
            throw new IllegalArgumentException("a tunnel named " + name + " is running already");
        }
        AgentTunnel tunnel = new AgentTunnel(this, name, options);
        ControlMessage.Bound bound;
        try {
            bound = await(requireConnection().bind(tunnel), config.connectTimeout);
        } catch (RuntimeException e) {
            if (name != null) {
                names.remove(name);
            }
            throw e;
        }
        tunnel.bound(bound);
        tunnels.add(tunnel);
        log.atInfo().addKeyValue("url", bound.url()).addKeyValue("upstream", options.upstream())
                .log("tunnel started");
        config.listener.tunnelBound(tunnel);
        return tunnel;
    }

    public List<AgentTunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    /** The edge's agent port this agent dials, as {@code host:port}. */
    public String edgeAddress() {
        return new HostPort(config.edgeHost, config.edgePort).toString();
    }

    /** How many times the agent connected again after losing its connection. */
    public int reconnects() {
        return reconnects.get();
    }

    /** The id the edge gave itself in its welcome (its name in a fleet), or null before the first. */
    public String edgeId() {
        EdgeConnection current = connection;
        return current == null || !current.welcome().isDone() || current.welcome().isCompletedExceptionally() ? null
                : current.welcome().join().edge();
    }

    /** True while a connection to the edge is up and authenticated. */
    public boolean isConnected() {
        EdgeConnection current = connection;
        return current != null && current.channel().isActive();
    }

    /** Round trip to the edge measured by the last PING, or -1 if unknown. */
    public long rttNanos() {
        EdgeConnection current = connection;
        return current == null ? -1 : current.rttNanos();
    }

    /** Completes when the agent stops: with null after {@link #close()}, or with the error that ended it. */
    public CompletableFuture<AgentException> stopped() {
        return stopped;
    }

    void closeTunnel(AgentTunnel tunnel) {
        if (tunnels.remove(tunnel)) {
            if (tunnel.name() != null) {
                names.remove(tunnel.name());
            }
            EdgeConnection current = connection;
            if (current != null) {
                current.unbind(tunnel);
            }
            log.atInfo().addKeyValue("url", tunnel.url()).log("tunnel closed");
        }
    }

    /** Frees every name at the edge, lets in-flight requests finish within the drain grace, then disconnects. */
    @Override
    public void close() {
        drain(config.drainGrace);
    }

    public synchronized void drain(Duration grace) {
        if (closing) {
            return;
        }
        closing = true;
        EdgeConnection current = connection;
        if (current != null && current.channel().isActive()) {
            for (AgentTunnel tunnel : tunnels) {
                current.unbind(tunnel);
            }
            try {
                current.goAway().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("drain grace over, cutting in-flight requests");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // The connection is gone: nothing left to wait for.
            }
            current.close();
        }
        upstreamPool.closeIdle();
        http2Upstreams.closeAll();
        loops.close();
        stopped.complete(null);
    }

    private CompletableFuture<EdgeConnection> connect() {
        CompletableFuture<EdgeConnection> result = new CompletableFuture<>();
        Heartbeat heartbeat = new Heartbeat(config.heartbeatInterval, config.heartbeatMisses);
        Bootstrap bootstrap = new Bootstrap()
                .group(loops.group())
                .channel(loops.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                // The pipeline is assembled once connected: an SslHandler added before that may write its
                // ClientHello where nothing flushes it.
                .handler(new ChannelInboundHandlerAdapter());
        bootstrap.connect(config.edgeHost, config.edgePort).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new AgentException(ErrorCode.EDGE_UNREACHABLE,
                        "cannot reach the edge at " + config.edgeHost + ":" + config.edgePort + ": "
                                + f.cause().getMessage(), f.cause()));
                return;
            }
            EdgeConnection conn = assemble(f.channel(), heartbeat);
            conn.welcome().whenComplete((welcome, error) -> {
                if (error != null) {
                    conn.close();
                    result.completeExceptionally(error);
                } else {
                    result.complete(conn);
                }
            });
        });
        return result;
    }

    private EdgeConnection assemble(Channel ch, Heartbeat heartbeat) {
        EdgeConnection conn = new EdgeConnection(ch, heartbeat);
        SslHandler tls = edgeTls.newHandler(ch.alloc(), config.edgeHost, config.edgePort);
        tls.setHandshakeTimeoutMillis(config.connectTimeout.toMillis());
        ch.pipeline()
                .addLast("tls", tls)
                .addLast("flush", Http2Tuning.flushConsolidation())
                .addLast("h2", Http2Tuning.agentCodec(config.maxStreams))
                .addLast("window", new ConnectionWindow(Http2Tuning.CONNECTION_WINDOW))
                .addLast("mux", new Http2MultiplexHandler(new StreamDispatcher(this, conn)))
                .addLast("heartbeat", heartbeat)
                .addLast("connection", new AgentConnectionHandler(conn));
        return conn;
    }

    private void established(EdgeConnection conn) {
        if (connection != null) {
            reconnects.incrementAndGet();
        }
        connection = conn;
        delays.welcomed();
        ControlMessage.Welcome welcome = conn.welcome().join();
        log.atInfo().addKeyValue("edge", welcome.edge()).addKeyValue("session", welcome.session())
                .addKeyValue("server", config.edgeHost + ":" + config.edgePort).log("connected to edge");
        config.listener.connected(welcome.edge(), welcome.session());
        conn.channel().closeFuture().addListener(f -> disconnected(conn));
    }

    private void disconnected(EdgeConnection conn) {
        if (closing || conn != connection) {
            return;
        }
        ConnectionEnd end = conn.end();
        delays.ended(end);
        String reason = end.reason();
        log.atWarn().addKeyValue("reason", reason).log("disconnected from edge");
        config.listener.disconnected(reason);
        if (!config.reconnect) {
            stopped.complete(new AgentException(ErrorCode.EDGE_UNREACHABLE, "disconnected from edge: " + reason));
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closing) {
            return;
        }
        Duration delay = delays.next();
        int attempt = delays.attempts();
        log.atInfo().addKeyValue("attempt", attempt).addKeyValue("delay_ms", delay.toMillis()).log("reconnecting");
        config.listener.reconnecting(attempt, delay);
        loops.group().schedule(() -> connect().whenComplete((conn, error) -> {
            if (error == null) {
                if (closing) {
                    conn.close();
                    return;
                }
                established(conn);
                tunnels.forEach(t -> rebind(conn, t));
                return;
            }
            AgentException failure = unwrap(error);
            if (!failure.retryable()) {
                log.atError().log("edge refused the agent: {}", failure.getMessage());
                stopped.complete(failure);
                return;
            }
            log.atDebug().log("reconnect failed: {}", failure.getMessage());
            scheduleReconnect();
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rebind(EdgeConnection conn, AgentTunnel tunnel) {
        conn.bind(tunnel).whenComplete((bound, error) -> {
            if (error == null) {
                tunnel.bound(bound);
                log.atInfo().addKeyValue("url", bound.url()).log("tunnel bound again");
                config.listener.tunnelBound(tunnel);
                return;
            }
            AgentException failure = unwrap(error);
            boolean taken = failure.code() == ErrorCode.HOSTNAME_TAKEN || failure.code() == ErrorCode.PORT_TAKEN;
            if (taken && conn == connection && !closing) {
                // The edge may not have noticed our old connection is dead yet; ask again shortly.
                loops.group().schedule(() -> rebind(conn, tunnel), 1, TimeUnit.SECONDS);
                return;
            }
            log.atError().addKeyValue("url", tunnel.url()).log("could not bind tunnel again: {}",
                    failure.getMessage());
            config.listener.bindFailed(tunnel, failure);
        });
    }

    private EdgeConnection requireConnection() {
        EdgeConnection current = connection;
        if (current == null || !current.channel().isActive()) {
            throw new AgentException(ErrorCode.EDGE_UNREACHABLE, "not connected to the edge");
        }
        return current;
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            throw new AgentException(ErrorCode.EDGE_UNREACHABLE, "the edge did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(ErrorCode.INTERNAL, "interrupted");
        }
    }

    private static AgentException unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof AgentException a ? a : new AgentException(ErrorCode.INTERNAL, String.valueOf(e), e);
    }

    UpstreamPool upstreamPool() {
        return upstreamPool;
    }

    EventLoops loops() {
        return loops;
    }

    String authtoken() {
        return config.authtoken;
    }

    String clientName() {
        return "burrow/" + Version.get() + " " + System.getProperty("os.name", "unknown").toLowerCase();
    }

    /**
     * Sends captured request {@code id} to its tunnel's upstream once more and records the answer as a new
     * exchange. Fails with an {@link AgentException} if the agent records nothing, the request is unknown, its body
     * was cut when captured, or its tunnel is gone.
     */
    public CompletableFuture<CapturedExchange> replay(long id) {
        return replay(id, ReplayEdits.NONE);
    }

    /** As {@link #replay(long)}, with the request changed first. */
    public CompletableFuture<CapturedExchange> replay(long id, ReplayEdits edits) {
        ExchangeLog log = config.exchangeLog;
        if (log == null) {
            return CompletableFuture.failedFuture(new AgentException(ErrorCode.BAD_MESSAGE,
                    "this agent records no exchanges"));
        }
        return Replay.of(this, log, id, edits);
    }

    /** Where HTTP exchanges are recorded for the inspector, or null when nothing is recorded. */
    public ExchangeLog exchangeLog() {
        return config.exchangeLog;
    }

    Duration upstreamConnectTimeout() {
        return config.connectTimeout;
    }

    Duration upstreamResponseTimeout() {
        return config.upstreamResponseTimeout;
    }

    Http2Upstreams http2Upstreams() {
        return http2Upstreams;
    }

    /** TLS toward upstreams, checking their certificates if {@code verify}, offering HTTP/2 alone if {@code http2}. */
    SslContext upstreamTls(boolean verify, boolean http2) {
        return upstreamTls.computeIfAbsent(List.of(verify, http2),
                key -> UpstreamTls.upstreamClientContext(verify, http2));
    }

    /** Agent settings. {@link #edge(String)} and {@link #authtoken(String)} are required. */
    public static final class Builder {
        private String edgeHost;
        private int edgePort;
        private String authtoken;
        private ServerTrust trust = ServerTrust.system();
        private AgentListener listener = AgentListener.NONE;
        private boolean reconnect = true;
        private Duration backoffBase = Duration.ofMillis(500);
        private Duration backoffCap = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private int heartbeatMisses = 3;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration upstreamResponseTimeout = Duration.ofSeconds(60);
        private Duration drainGrace = Duration.ofSeconds(5);
        private int threads;
        private int maxStreams = Http2Tuning.MAX_CONCURRENT_STREAMS;
        private ExchangeLog exchangeLog;

        private Builder() {
        }

        /** The edge's agent port as {@code host:port}. */
        public Builder edge(String hostPort) {
            HostPort address = HostPort.parse(hostPort);
            return edge(address.host(), address.port());
        }

        public Builder edge(String host, int port) {
            this.edgeHost = host;
            this.edgePort = port;
            return this;
        }

        /** Records every HTTP exchange of this agent's tunnels in {@code log}, for the inspector; off by default. */
        public Builder inspect(ExchangeLog log) {
            this.exchangeLog = log;
            return this;
        }

        public Builder authtoken(String token) {
            this.authtoken = token;
            return this;
        }

        /** How the edge's certificate is verified: system trust by default, a CA file, or a pinned fingerprint. */
        public Builder trust(ServerTrust trust) {
            this.trust = trust;
            return this;
        }

        public Builder listener(AgentListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder heartbeat(Duration interval, int misses) {
            this.heartbeatInterval = interval;
            this.heartbeatMisses = misses;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long the upstream may take to start its answer before the client gets 504. */
        public Builder upstreamResponseTimeout(Duration timeout) {
            this.upstreamResponseTimeout = timeout;
            return this;
        }

        public Builder drainGrace(Duration grace) {
            this.drainGrace = grace;
            return this;
        }

        /**
         * Requests (and open WebSockets) the edge may have in flight on this agent at once, one of them taken by
         * the control stream; beyond it public clients get 503 tunnel_busy. Default 10,000.
         */
        public Builder maxStreams(int maxStreams) {
            if (maxStreams < 2) {
                throw new IllegalArgumentException("maxStreams must be at least 2: the control stream takes one");
            }
            this.maxStreams = maxStreams;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Agent build() {
            Objects.requireNonNull(edgeHost, "edge address");
            if (authtoken == null || authtoken.isBlank()) {
                throw new IllegalArgumentException("an authtoken is required");
            }
            return new Agent(this);
        }
    }
}
