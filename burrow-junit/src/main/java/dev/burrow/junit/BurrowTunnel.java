package dev.burrow.junit;

import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.tls.ServerTrust;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives a server in the test's JVM a public URL through a Burrow tunnel.
 *
 * <pre>{@code
 * @RegisterExtension
 * static BurrowTunnel tunnel = BurrowTunnel.to(() -> server.getAddress().getPort());
 *
 * @Test
 * void answersThroughTheTunnel() throws Exception {
 *     HttpResponse<String> response = tunnel.client().send(tunnel.request("/hello").build(),
 *             HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>By default the extension starts its own edge on loopback ephemeral ports, with a temporary data directory and
 * an authtoken of its own, and an agent that trusts it by its certificate's fingerprint. Its URLs read
 * {@code http://NAME.localhost:PORT}: curl and browsers reach them as they are; {@link #client()} reaches them from
 * java.net.http, which would ask the system's resolver for the name. With {@link #edge(String)} the extension starts
 * only an agent, connected to that edge (a team's, in CI), with the authtoken from {@code BURROW_AUTHTOKEN} unless
 * {@link #authtoken(String)} gives one.
 *
 * <p>Registered on a static field, everything starts before the class's first test and stops after its last; on an
 * instance field, around each test. The tunnel itself binds at its first use ({@link #url()} and the rest), so the
 * upstream may be a server that a {@code @BeforeAll} or {@code @BeforeEach} method starts. A test or lifecycle
 * method may also take the tunnel as a parameter, when the class registers only one.
 */
public final class BurrowTunnel implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private final TunnelSettings settings;
    private TunnelSession session;
    /** The unique id of the class or test whose start started the session: its end closes it. */
    private String owner;

    private BurrowTunnel(Supplier<String> upstream) {
        this.settings = new TunnelSettings(upstream);
    }

    /** A tunnel to {@code 127.0.0.1:port}. */
    public static BurrowTunnel to(int port) {
        return to(() -> port);
    }

    /** A tunnel to {@code 127.0.0.1} on the port {@code port} gives when the tunnel binds. */
    public static BurrowTunnel to(IntSupplier port) {
        Objects.requireNonNull(port, "port");
        return new BurrowTunnel(() -> "127.0.0.1:" + port.getAsInt());
    }

    /** A tunnel to an upstream as the agent takes it: {@code 8080}, {@code host:port} or {@code https://host:port}. */
    public static BurrowTunnel to(String upstream) {
        Objects.requireNonNull(upstream, "upstream");
        return new BurrowTunnel(() -> upstream);
    }

    /** Asks for {@code NAME} under the edge's domain rather than a random name. */
    public BurrowTunnel subdomain(String name) {
        settings.subdomain = name;
        return this;
    }

    /** Changes the tunnel's options before it binds: a traffic policy, the Host header the upstream sees, and so on. */
    public BurrowTunnel options(UnaryOperator<HttpTunnelOptions> change) {
        settings.options = Objects.requireNonNull(change, "change");
        return this;
    }

    /** Connects to this edge's agent port ({@code host:port}) instead of starting an edge. */
    public BurrowTunnel edge(String hostPort) {
        settings.edge = Objects.requireNonNull(hostPort, "hostPort");
        return this;
    }

    /** The given edge's authtoken; by default the value of {@code BURROW_AUTHTOKEN}. */
    public BurrowTunnel authtoken(String token) {
        settings.authtoken = () -> token;
        return this;
    }

    /** How the given edge's certificate is verified; by default by the JDK's CAs. */
    public BurrowTunnel trust(ServerTrust trust) {
        settings.trust = Objects.requireNonNull(trust, "trust");
        return this;
    }

    /** The public URL, such as {@code http://calm-otter-42.localhost:41234}, without a trailing slash. */
    public String url() {
        return tunnel().url();
    }

    /** The public URL with {@code path} (which starts with a slash, and may have a query) after it. */
    public URI uri(String path) {
        return URI.create(url() + path);
    }

    /** A request to {@link #uri(String)}, to send with {@link #client()}. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path));
    }

    /** A client that reaches the tunnel's URL, including an embedded edge's names that do not resolve in DNS. */
    public HttpClient client() {
        return clientBuilder().build();
    }

    /** As {@link #client()}, to change before building: its version, redirects, timeouts, authenticator. */
    public HttpClient.Builder clientBuilder() {
        return running().clientBuilder();
    }

    /**
     * For other HTTP clients: the embedded edge's public HTTP address, to give them as their HTTP proxy so that the
     * URL's name needs no DNS; empty for a given edge, whose names are in DNS.
     */
    public Optional<InetSocketAddress> proxy() {
        return running().proxy();
    }

    /** The agent's tunnel, for what the extension does not wrap (such as replacing its traffic policy). */
    public AgentTunnel agentTunnel() {
        return tunnel();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BurrowTunnel.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    /** Starts unless running: a static field's extension sees each test start too, and a nested class's. */
    private synchronized void start(ExtensionContext context) {
        if (session == null) {
            session = TunnelSession.open(settings);
            owner = context.getUniqueId();
        }
    }

    /** Stops when the class or test that started it ends. */
    private synchronized void stop(ExtensionContext context) {
        if (session != null && context.getUniqueId().equals(owner)) {
            TunnelSession ending = session;
            session = null;
            owner = null;
            ending.close();
        }
    }

    private AgentTunnel tunnel() {
        return running().tunnel();
    }

    private synchronized TunnelSession running() {
        if (session == null) {
            throw new IllegalStateException("the tunnel is not running: register BurrowTunnel with "
                    + "@RegisterExtension and use it inside a test or a lifecycle method");
        }
        return session;
    }
}
