package dev.burrow.agent;

import dev.burrow.Version;
import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ReplayEdits;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import dev.burrow.tls.ServerTrust;
import dev.burrow.transport.EventLoops;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.Http2Tuning;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** How long a stopping agent waits for the edge to close its side: a round trip, with room for a slow link. */
    private static final Duration CLOSE_LINGER = Duration.ofSeconds(1);

    private final Builder config;
    private final EventLoops loops;
    private final StreamContext streams;
    private final Supervisor supervisor;
    private final List<AgentTunnel> tunnels = new CopyOnWriteArrayList<>();
    /** Names of running tunnels, taken before a bind so that two binds cannot take one name. */
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private Agent(Builder config) {
        this.config = config;
        this.loops = EventLoops.create(config.threads);
        UpstreamTransport transport = new UpstreamTransport(loops, config.connectTimeout);
        this.streams = new StreamContext(transport, config.upstreamResponseTimeout, new UpstreamPool(transport),
                new Http2Upstreams(transport), config.exchangeLog, new UpstreamFailureLog(System::nanoTime));
        EdgeDialer dialer = new EdgeDialer(new EdgeDialer.Settings(new HostPort(config.edgeHost, config.edgePort),
                config.trust.clientContext(Protocol.ALPN), config.trust.toString(), config.connectTimeout, config.heartbeatInterval,
                config.heartbeatMisses, config.maxStreams), loops, streams,
                new ControlMessage.Hello(Protocol.VERSION, config.authtoken, clientName(), Protocol.FEATURES),
                config.listener);
        this.supervisor = new Supervisor(dialer,
                new ReconnectDelays(new Backoff(config.backoffBase, config.backoffCap,
                        ThreadLocalRandom.current()::nextDouble), System::nanoTime),
                config.reconnect, config.takenRetries, config.listener, this::tunnels, loops.group());
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
            supervisor.connectFirst(config.connectTimeout.plus(config.connectTimeout));
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
            bound = AgentException.await(requireConnection().bind(tunnel), config.connectTimeout);
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
        return supervisor.reconnects();
    }

    /** The id the edge gave itself in its welcome (its name in a fleet), or null before the first. */
    public String edgeId() {
        EdgeConnection current = supervisor.connection();
        return current == null || !current.welcome().isDone() || current.welcome().isCompletedExceptionally() ? null
                : current.welcome().join().edge();
    }

    /** True while a connection to the edge is up and authenticated. */
    public boolean isConnected() {
        EdgeConnection current = supervisor.connection();
        return current != null && current.channel().isActive();
    }

    /** Round trip to the edge measured by the last PING, or -1 if unknown. */
    public long rttNanos() {
        EdgeConnection current = supervisor.connection();
        return current == null ? -1 : current.rttNanos();
    }

    /** Completes when the agent stops: with null after {@link #close()}, or with the error that ended it. */
    public CompletableFuture<AgentException> stopped() {
        return supervisor.stopped();
    }

    /** Has the edge run {@code policy} for {@code tunnel} from now on; the tunnel's rebinds carry it too. */
    void updateTrafficPolicy(AgentTunnel tunnel, String policy) {
        AgentException.await(requireConnection().update(tunnel, policy), config.connectTimeout);
        tunnel.options(tunnel.options().withTrafficPolicy(policy));
        log.atInfo().addKeyValue("url", tunnel.url()).log("traffic policy replaced");
    }

    void closeTunnel(AgentTunnel tunnel) {
        if (tunnels.remove(tunnel)) {
            if (tunnel.name() != null) {
                names.remove(tunnel.name());
            }
            EdgeConnection current = supervisor.connection();
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
        supervisor.closing();
        EdgeConnection current = supervisor.connection();
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
            current.closeGracefully(CLOSE_LINGER);
        }
        streams.pool().closeIdle();
        streams.http2Upstreams().closeAll();
        loops.close();
        supervisor.stop();
    }

    private EdgeConnection requireConnection() {
        EdgeConnection current = supervisor.connection();
        if (current == null || !current.channel().isActive()) {
            throw new AgentException(ErrorCode.EDGE_UNREACHABLE, "not connected to the edge");
        }
        return current;
    }

    private static String clientName() {
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
        return Replay.of(tunnels(), streams, id, edits);
    }

    /** Where HTTP exchanges are recorded for the inspector, or null when nothing is recorded. */
    public ExchangeLog exchangeLog() {
        return config.exchangeLog;
    }

    /** Agent settings. {@link #edge(String)} and {@link #authtoken(String)} are required. */
    public static final class Builder {
        private String edgeHost;
        private int edgePort;
        private String authtoken;
        private ServerTrust trust = ServerTrust.system();
        private AgentListener listener = AgentListener.NONE;
        private boolean reconnect = true;
        private int takenRetries = Supervisor.TAKEN_RETRIES;
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

        /**
         * How many times, a second apart, a reconnected agent asks again for a tunnel's address that the edge says
         * is taken, before it gives the tunnel up (default 45: longer than the edge takes to notice a dead session).
         */
        public Builder takenRetries(int tries) {
            if (tries < 1) {
                throw new IllegalArgumentException("at least one try");
            }
            this.takenRetries = tries;
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
