package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.proxy.ProxyProtocolGate;
import dev.burrow.transport.ConnectionLimiter;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/** What the public HTTP listener needs from the edge: routing, drain state and its limits. */
public interface HttpEdge {
    /** Remembers an open connection until it closes, so that stopping the edge can close it. */
    void track(Channel channel);

    /** @return the tunnel bound to the hostname, or null */
    Tunnel find(String hostname);

    /** True if the hostname had a tunnel lately that is now gone. */
    boolean wasRecentlyBound(String hostname);

    boolean draining();

    /** The key authorization the edge publishes for an ACME HTTP-01 token, or null if it awaits no such token. */
    String acmeChallengeAnswer(String token);

    /**
     * Where a plain-HTTP request for this tunnel is sent instead: its {@code https://} address with {@code uri}, or
     * null if the tunnel did not ask for the redirect or the edge serves no HTTPS.
     */
    String httpsRedirect(Tunnel tunnel, String uri);

    void exchangeStarted();

    void exchangeEnded();

    /** The policy phases HTTP requests and responses pass. */
    PolicyPhases policyPhases();

    /** How long a request phase may take to decide; see {@link dev.burrow.edge.EdgeConfig#policyTimeout()}. */
    Duration policyTimeout();

    /** Who must open a connection with a PROXY protocol header; the listener assembles its pipelines through it. */
    ProxyProtocolGate proxyProtocol();

    /** Clients whose forwarded headers are kept and added to, rather than replaced. */
    List<Cidr> trustedProxies();

    int maxInitialLineLength();

    int maxHeaderSize();

    /** Streams one public HTTP/2 connection may have open at once. */
    int maxStreamsPerConnection();

    /** What the request bodies this edge holds for policies may take together. */
    HeldBodyBudget heldBodies();

    Duration headerReadTimeout();

    /** A request body's credit of waiting time; see {@link RequestBodyTimeout}. */
    Duration requestBodyTimeout();

    /** The body rate, in bytes per second, below which the credit runs out; 0 for none. */
    int minRequestBodyRate();

    Duration idleTimeout();

    /** Caps open public connections, in all and per client address; shared by every public listener. */
    ConnectionLimiter connectionLimiter();

    /** Told of every public request; {@link ExchangeObserver#NONE} installs no tap. */
    default ExchangeObserver exchangeObserver() {
        return ExchangeObserver.NONE;
    }
}
