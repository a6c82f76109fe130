package dev.burrow.edge;

import dev.burrow.edge.acme.AcmeSettings;
import dev.burrow.edge.admin.OperatorSettings;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.store.DatabaseUrl;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link Edge} needs to start. Build one with {@link #builder(String, Path)}; every limit has a
 * default sized for a public listener and can be changed for tests or operators.
 */
public record EdgeConfig(
        String domain,
        Path dataDir,
        InetSocketAddress agentAddress,
        InetSocketAddress httpAddress,
        int advertisedHttpPort,
        InetSocketAddress httpsAddress,
        int advertisedHttpsPort,
        Path certFile,
        Path keyFile,
        Path tlsCertFile,
        Path tlsKeyFile,
        AcmeSettings acme,
        String edgeId,
        Duration drainGrace,
        Duration handshakeTimeout,
        Duration headerReadTimeout,
        Duration requestBodyTimeout,
        int minRequestBodyRate,
        Duration idleTimeout,
        Duration heartbeatInterval,
        int heartbeatMisses,
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxTunnelsPerSession,
        int maxPublicConnections,
        int maxPublicConnectionsPerAddress,
        int maxAgentConnections,
        int maxAgentConnectionsPerAddress,
        int maxStreamsPerPublicConnection,
        PortRange tcpPorts,
        InetSocketAddress tlsAddress,
        int advertisedTlsPort,
        int maxClientHelloLength,
        Duration clientHelloTimeout,
        List<Cidr> trustedProxies,
        List<Cidr> proxyProtocolFrom,
        Duration proxyProtocolTimeout,
        Duration policyTimeout,
        DatabaseUrl database,
        Duration nameGrace,
        Plans plans,
        InetSocketAddress dnsServer,
        Duration domainCheckInterval,
        OperatorSettings operator,
        List<String> agentCertNames,
        Clock clock) {

    public EdgeConfig {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(dataDir, "dataDir");
        domain = domain.toLowerCase(java.util.Locale.ROOT);
        boolean givenCertificate = tlsCertFile != null;
        if (httpsAddress != null && givenCertificate == (acme != null)) {
            throw new IllegalArgumentException(
                    "HTTPS needs its certificates from one place: a certificate and key, or ACME");
        }
        if (httpsAddress == null && (givenCertificate || acme != null)) {
            throw new IllegalArgumentException("a public certificate or ACME needs an HTTPS address to serve");
        }
        trustedProxies = List.copyOf(trustedProxies);
        proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(clock, "clock");
    }

    public static Builder builder(String domain, Path dataDir) {
        return new Builder(domain, dataDir);
    }

    /** The port to print in HTTP tunnels' URLs: the advertised one, else the bound one. */
    int urlPort(int boundHttpPort) {
        return advertisedHttpPort > 0 ? advertisedHttpPort : boundHttpPort;
    }

    /** The port to print in TLS tunnels' URLs: the advertised one, else the bound one. */
    int tlsUrlPort(int boundTlsPort) {
        return advertisedTlsPort > 0 ? advertisedTlsPort : boundTlsPort;
    }

    /** The port to print in public HTTPS URLs: the advertised one, else the bound one. */
    int httpsUrlPort(int boundHttpsPort) {
        return advertisedHttpsPort > 0 ? advertisedHttpsPort : boundHttpsPort;
    }

    public static final class Builder {
        private final String domain;
        private final Path dataDir;
        private InetSocketAddress agentAddress = new InetSocketAddress("127.0.0.1", 4443);
        private InetSocketAddress httpAddress = new InetSocketAddress("127.0.0.1", 8080);
        private int advertisedHttpPort;
        private InetSocketAddress httpsAddress;
        private int advertisedHttpsPort;
        private Path certFile;
        private Path keyFile;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private AcmeSettings acme;
        private String edgeId = "edge-1";
        private Duration drainGrace = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration headerReadTimeout = Duration.ofSeconds(20);
        private Duration requestBodyTimeout = Duration.ofSeconds(30);
        private int minRequestBodyRate = 1024;
        private Duration idleTimeout = Duration.ofSeconds(120);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private int heartbeatMisses = 3;
        private int maxInitialLineLength = 8 * 1024;
        private int maxHeaderSize = 16 * 1024;
        private int maxTunnelsPerSession = 100;
        private int maxPublicConnections = 20_000;
        private int maxPublicConnectionsPerAddress = 512;
        private int maxAgentConnections = 10_000;
        /** An office or a CI runner behind one NAT address runs many agents; a flood from one address is bounded. */
        private int maxAgentConnectionsPerAddress = 256;
        private int maxStreamsPerPublicConnection = 100;
        private PortRange tcpPorts;
        private InetSocketAddress tlsAddress;
        private int advertisedTlsPort;
        private int maxClientHelloLength = 16 * 1024;
        private Duration clientHelloTimeout = Duration.ofSeconds(10);
        private List<Cidr> trustedProxies = List.of();
        private List<Cidr> proxyProtocolFrom = List.of();
        private Duration proxyProtocolTimeout = Duration.ofSeconds(5);
        private Duration policyTimeout = Duration.ofSeconds(10);
        private DatabaseUrl database;
        private Duration nameGrace = Duration.ofMinutes(2);
        private Plans plans = Plans.DEFAULT;
        private InetSocketAddress dnsServer;
        private Duration domainCheckInterval = Duration.ofMinutes(1);
        private OperatorSettings operator = OperatorSettings.NONE;
        private List<String> agentCertNames = List.of();
        private Clock clock = Clock.systemUTC();

        private Builder(String domain, Path dataDir) {
            this.domain = domain;
            this.dataDir = dataDir;
        }

        public Builder agentAddress(InetSocketAddress address) {
            this.agentAddress = address;
            return this;
        }

        public Builder httpAddress(InetSocketAddress address) {
            this.httpAddress = address;
            return this;
        }

        /** The public HTTP port to print in URLs when a load balancer or port mapping sits in front. */
        public Builder advertisedHttpPort(int port) {
            this.advertisedHttpPort = port;
            return this;
        }

        /**
         * Serves HTTPS on this address too, with certificates from {@link #publicCertificate} or {@link #acme}; without
         * it the edge serves plain HTTP only.
         */
        public Builder httpsAddress(InetSocketAddress address) {
            this.httpsAddress = address;
            return this;
        }

        /** The public HTTPS port to print in URLs when a load balancer or port mapping sits in front. */
        public Builder advertisedHttpsPort(int port) {
            this.advertisedHttpsPort = port;
            return this;
        }

        /** The certificate chain and key HTTPS presents for every name: one for the domain and {@code *.domain}. */
        public Builder publicCertificate(Path certFile, Path keyFile) {
            this.tlsCertFile = certFile;
            this.tlsKeyFile = keyFile;
            return this;
        }

        /** HTTPS certificates from an ACME CA, one per hostname, ordered on first use and renewed. */
        public Builder acme(AcmeSettings settings) {
            this.acme = settings;
            return this;
        }

        /** A certificate chain and key for the agent port; without them the edge makes a self-signed pair. */
        public Builder certificate(Path certFile, Path keyFile) {
            this.certFile = certFile;
            this.keyFile = keyFile;
            return this;
        }

        public Builder edgeId(String edgeId) {
            this.edgeId = edgeId;
            return this;
        }

        public Builder drainGrace(Duration grace) {
            this.drainGrace = grace;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder headerReadTimeout(Duration timeout) {
            this.headerReadTimeout = timeout;
            return this;
        }

        /**
         * How slowly a public HTTP/1.1 client may send a request body: it has {@code timeout} of credit while the
         * edge waits for body bytes, and each byte adds {@code 1 / minBytesPerSecond} s, up to {@code timeout}. A
         * body that stops is cut after {@code timeout}, one slower than {@code minBytesPerSecond} soon after; a rate
         * of 0 leaves only the timeout. Time the edge holds the client back because the tunnel is slow does not
         * count.
         */
        public Builder requestBodyTimeout(Duration timeout, int minBytesPerSecond) {
            if (timeout.isNegative() || timeout.isZero() || minBytesPerSecond < 0) {
                throw new IllegalArgumentException("a request body timeout must be positive and its rate at least 0");
            }
            this.requestBodyTimeout = timeout;
            this.minRequestBodyRate = minBytesPerSecond;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder heartbeat(Duration interval, int misses) {
            this.heartbeatInterval = interval;
            this.heartbeatMisses = misses;
            return this;
        }

        public Builder maxInitialLineLength(int bytes) {
            this.maxInitialLineLength = bytes;
            return this;
        }

        public Builder maxHeaderSize(int bytes) {
            this.maxHeaderSize = bytes;
            return this;
        }

        public Builder maxTunnelsPerSession(int count) {
            this.maxTunnelsPerSession = count;
            return this;
        }

        /** Caps on open public connections: in all, and from one client address. */
        public Builder maxPublicConnections(int total, int perAddress) {
            this.maxPublicConnections = total;
            this.maxPublicConnectionsPerAddress = perAddress;
            return this;
        }

        /**
         * Caps on open connections to the agent port, authenticated or not: in all, and from one address (the one
         * a PROXY protocol header names, behind a load balancer). One over a cap is closed before its handshake.
         */
        public Builder maxAgentConnections(int total, int perAddress) {
            this.maxAgentConnections = total;
            this.maxAgentConnectionsPerAddress = perAddress;
            return this;
        }

        /** Streams one public HTTP/2 connection may have open at once; the client's next ones are refused. */
        public Builder maxStreamsPerPublicConnection(int streams) {
            this.maxStreamsPerPublicConnection = streams;
            return this;
        }

        /**
         * Serves TCP tunnels on these ports, listening on the public HTTP address's host; without a range the edge
         * serves no TCP tunnels.
         */
        public Builder tcpPorts(PortRange ports) {
            this.tcpPorts = ports;
            return this;
        }

        /**
         * Serves TLS tunnels on this address, routed by the ClientHello's server name; without one the edge serves no
         * TLS tunnels.
         */
        public Builder tlsAddress(InetSocketAddress address) {
            this.tlsAddress = address;
            return this;
        }

        /** The public TLS port to print in URLs when a load balancer or port mapping sits in front. */
        public Builder advertisedTlsPort(int port) {
            this.advertisedTlsPort = port;
            return this;
        }

        /** The largest ClientHello the TLS listener reads to find the server name; a larger one closes. */
        public Builder maxClientHelloLength(int bytes) {
            this.maxClientHelloLength = bytes;
            return this;
        }

        /** How long a TLS connection may take to send its whole ClientHello before it is closed. */
        public Builder clientHelloTimeout(Duration timeout) {
            this.clientHelloTimeout = timeout;
            return this;
        }

        /**
         * Proxies whose {@code X-Forwarded-*} and {@code Forwarded} headers the edge keeps and adds to; from any other
         * client it replaces them, so that no client can forge its address. Default: none.
         */
        public Builder trustedProxies(List<Cidr> proxies) {
            this.trustedProxies = proxies;
            return this;
        }

        /**
         * Peers (load balancers) that must open every connection to a public listener or to the agent port with a
         * PROXY protocol header, v1 or v2, whose client then counts as the connection's client (on the agent port,
         * the agent's address as logged and throttled). Default: none.
         */
        public Builder proxyProtocolFrom(List<Cidr> peers) {
            this.proxyProtocolFrom = peers;
            return this;
        }

        /** How long such a peer may take to send its whole PROXY header before the connection is closed. */
        public Builder proxyProtocolTimeout(Duration timeout) {
            this.proxyProtocolTimeout = timeout;
            return this;
        }

        /**
         * How long a policy phase may take to decide about a request or connection: a request then gets
         * {@code 504 policy_timeout}, a TCP or TLS tunnel's connection is refused.
         */
        public Builder policyTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a policy timeout must be positive");
            }
            this.policyTimeout = timeout;
            return this;
        }

        /** Keeps the store in this PostgreSQL database; without it, in SQLite in the data directory. */
        public Builder database(DatabaseUrl url) {
            this.database = url;
            return this;
        }

        /**
         * How long a name stays held for its account after the session that bound it died without unbinding it (a
         * laptop's network dropped), so that nobody else takes it before the owner reconnects. Zero frees names at
         * once.
         */
        public Builder nameGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("a name's grace period cannot be negative");
            }
            this.nameGrace = grace;
            return this;
        }

        /** The plans accounts are held to; {@link Plans#DEFAULT} (a {@code free} plan without limits) otherwise. */
        public Builder plans(Plans plans) {
            this.plans = plans;
            return this;
        }

        /**
         * The DNS server that domains' TXT records are looked up at, such as a test's; without one, the system's
         * (those of {@code /etc/resolv.conf}).
         */
        public Builder dnsServer(InetSocketAddress server) {
            this.dnsServer = server;
            return this;
        }

        /** How often the edge looks for the TXT records of domains not verified yet. */
        public Builder domainCheckInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the interval between domain checks must be positive");
            }
            this.domainCheckInterval = interval;
            return this;
        }

        /**
         * Names the self-signed certificate of the agent port must have besides the domain and the loopback names,
         * such as the host's own name, for agents that verify it by a CA file and reach it by that name.
         */
        public Builder agentCertNames(List<String> names) {
            this.agentCertNames = List.copyOf(names);
            return this;
        }

        /** The admin listener, the metrics and the access log; default: none of them. */
        public Builder operator(OperatorSettings settings) {
            this.operator = settings;
            return this;
        }

        /**
         * The wall clock the store judges tokens' expiry and revocation, names' reservations and accounts by; the
         * system's in UTC otherwise. Tests give one they can move to see what a jump of the host's clock does. Name
         * grace, heartbeats and rate limits run on {@link System#nanoTime}, which no such jump moves.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public EdgeConfig build() {
            return new EdgeConfig(domain, dataDir, agentAddress, httpAddress, advertisedHttpPort, httpsAddress,
                    advertisedHttpsPort, certFile, keyFile, tlsCertFile, tlsKeyFile, acme, edgeId, drainGrace,
                    handshakeTimeout, headerReadTimeout, requestBodyTimeout, minRequestBodyRate, idleTimeout,
                    heartbeatInterval, heartbeatMisses, maxInitialLineLength, maxHeaderSize, maxTunnelsPerSession,
                    maxPublicConnections, maxPublicConnectionsPerAddress, maxAgentConnections,
                    maxAgentConnectionsPerAddress, maxStreamsPerPublicConnection, tcpPorts,
                    tlsAddress, advertisedTlsPort, maxClientHelloLength, clientHelloTimeout, trustedProxies,
                    proxyProtocolFrom, proxyProtocolTimeout, policyTimeout, database, nameGrace, plans, dnsServer,
                    domainCheckInterval, operator, agentCertNames, clock);
        }
    }
}
