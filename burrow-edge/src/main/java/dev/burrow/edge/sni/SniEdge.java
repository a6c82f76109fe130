package dev.burrow.edge.sni;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.policy.ConnectionPhase;
import dev.burrow.edge.proxy.ProxyProtocolGate;
import dev.burrow.transport.ConnectionLimiter;
import io.netty.channel.Channel;
import java.time.Duration;

/** The only view the public TLS listener has of the edge: routing by server name, drain state and its limits. */
public interface SniEdge {
    /** The TLS tunnel bound to this server name, or null. */
    Tunnel findTls(String serverName);

    boolean draining();

    /** Registers a public connection so that stopping the edge closes it. */
    void track(Channel channel);

    /** The largest ClientHello read to find the server name. */
    int maxClientHelloLength();

    /** How long a connection may take to send its whole ClientHello. */
    Duration clientHelloTimeout();

    /** Decides about each connection of a TLS tunnel before its stream opens. */
    ConnectionPhase connectionPhase();

    /** How long the connection phase may take to decide. */
    Duration policyTimeout();

    /** Caps open public connections, in all and per client address; shared by every public listener. */
    ConnectionLimiter connectionLimiter();

    /** The front of the listener's pipeline: which load balancers must open each connection with a PROXY header. */
    ProxyProtocolGate proxyProtocol();

    /** Told of every public TLS connection; {@link ExchangeObserver#NONE} installs no tap. */
    default ExchangeObserver exchangeObserver() {
        return ExchangeObserver.NONE;
    }
}
