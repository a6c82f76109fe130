package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.edge.proxy.ProxyProtocolGate;
import dev.burrow.transport.ConnectionLimiter;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/**
 * An edge with at most one tunnel, serving every host, that counts the exchanges in flight, for tests of one exchange
 * or handler.
 */
final class StubHttpEdge implements HttpEdge {
    private final HeldBodyBudget heldBodies = new HeldBodyBudget(HeldBodyBudget.DEFAULT_BYTES);
    private int inFlight;
    private boolean draining;
    private Tunnel tunnel;
    private PolicyPhases phases = PolicyPhases.NONE;

    /** Routes every host to {@code tunnel}. */
    void serve(Tunnel tunnel) {
        this.tunnel = tunnel;
    }

    void phases(PolicyPhases phases) {
        this.phases = phases;
    }

    /** Exchanges started and not yet ended. */
    int inFlight() {
        return inFlight;
    }

    void drain() {
        draining = true;
    }

    @Override
    public void exchangeStarted() {
        inFlight++;
    }

    @Override
    public void exchangeEnded() {
        inFlight--;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public void track(Channel channel) {
    }

    @Override
    public Tunnel find(String hostname) {
        return tunnel;
    }

    @Override
    public boolean wasRecentlyBound(String hostname) {
        return false;
    }

    @Override
    public String acmeChallengeAnswer(String token) {
        return null;
    }

    @Override
    public String httpsRedirect(Tunnel tunnel, String uri) {
        return null;
    }

    @Override
    public PolicyPhases policyPhases() {
        return phases;
    }

    @Override
    public Duration policyTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public ProxyProtocolGate proxyProtocol() {
        return new ProxyProtocolGate(List.of(), Duration.ofSeconds(5));
    }

    @Override
    public List<Cidr> trustedProxies() {
        return List.of();
    }

    @Override
    public int maxInitialLineLength() {
        return 8192;
    }

    @Override
    public int maxHeaderSize() {
        return 16384;
    }

    @Override
    public int maxStreamsPerConnection() {
        return 100;
    }

    @Override
    public HeldBodyBudget heldBodies() {
        return heldBodies;
    }

    @Override
    public Duration headerReadTimeout() {
        return Duration.ofSeconds(20);
    }

    @Override
    public Duration requestBodyTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int minRequestBodyRate() {
        return 0;
    }

    @Override
    public Duration idleTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    public ConnectionLimiter connectionLimiter() {
        return new ConnectionLimiter("public", 100, 100);
    }
}
