package dev.burrow.edge;

import dev.burrow.edge.observe.ConnectionTap;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.edge.tcp.PublicConnectionHandler;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.EventLoops;
import dev.burrow.transport.HalfClosedSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds TCP tunnels: a port of the edge's range, the one asked for or any free one, on which the edge then
 * listens. A port another program holds on the edge's machine counts as taken. Each tunnel's connections are
 * accepted onto its agent connection's event loop, so each relay runs on one thread.
 */
final class TcpBinder implements TunnelBinder {
    private static final Logger log = LoggerFactory.getLogger(TcpBinder.class);
    /** Ports tried for a bind that names none, before the range counts as full. */
    private static final int FREE_PORT_ATTEMPTS = 32;

    private final EdgeContext edge;
    private final EventLoops loops;
    private final PortRange ports;
    private final InetAddress host;

    TcpBinder(EdgeContext edge, EventLoops loops, PortRange ports, InetAddress host) {
        this.edge = edge;
        this.loops = loops;
        this.ports = ports;
        this.host = host;
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    @Override
    public CompletionStage<ControlMessage> bind(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy) {
        Integer asked = bind.port();
        if (asked == null) {
            int start = ThreadLocalRandom.current().nextInt(ports.size());
            return anyPort(bind, session, policy, start, Math.min(FREE_PORT_ATTEMPTS, ports.size()));
        }
        if (!ports.contains(asked)) {
            return CompletableFuture.completedFuture(new ControlMessage.Error(bind.id(), ErrorCode.PORT_UNAVAILABLE,
                    "port " + asked + " is outside this edge's range for TCP tunnels (" + ports + ")"));
        }
        return listen(bind, session, policy, asked).thenApply(bound -> bound != null ? bound
                : new ControlMessage.Error(bind.id(), ErrorCode.PORT_TAKEN, "port " + asked + " is already in use"));
    }

    /** Tries ports from {@code offset} in the range onward, wrapping, until one listens or attempts run out. */
    private CompletionStage<ControlMessage> anyPort(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy, int offset,
                                                    int attemptsLeft) {
        if (attemptsLeft == 0) {
            return CompletableFuture.completedFuture(new ControlMessage.Error(bind.id(), ErrorCode.PORT_UNAVAILABLE,
                    "no free port left in this edge's range for TCP tunnels (" + ports + ")"));
        }
        int port = ports.first() + offset % ports.size();
        return listen(bind, session, policy, port).thenCompose(bound -> bound != null ? CompletableFuture.completedFuture(bound)
                : anyPort(bind, session, policy, offset + 1, attemptsLeft - 1));
    }

    /** Claims the port and listens on it; completes with null if the port is taken, in the registry or the OS. */
    private CompletionStage<ControlMessage> listen(ControlMessage.Bind bind, AgentSession session, TrafficPolicy policy, int port) {
        String url = "tcp://" + edge.config.domain() + ":" + port;
        TcpTunnel tunnel = new TcpTunnel(UUID.randomUUID().toString(), port, url, session, new PolicySlot(policy));
        TunnelRegistry.Claim claim = edge.claim(tunnel);
        if (claim == TunnelRegistry.Claim.OVER_QUOTA) {
            // No other port would do better: the limit is the account's.
            return CompletableFuture.completedFuture(new ControlMessage.Error(bind.id(), ErrorCode.QUOTA_EXCEEDED,
                    edge.overQuota(session, TunnelType.TCP)));
        }
        if (claim != TunnelRegistry.Claim.BOUND) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<ControlMessage> answer = new CompletableFuture<>();
        ChannelFuture bound = new ServerBootstrap()
                .group(loops.group(), session.eventLoop())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Edge.WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        edge.track(ch);
                        HalfClosedSockets.keepWatched(ch);
                        edge.proxyProtocol.install(ch, pipeline -> {
                            pipeline.addLast("limit", edge.connectionLimiter());
                            if (edge.exchangeObserver() != ExchangeObserver.NONE) {
                                pipeline.addLast("observe", new ConnectionTap(edge.exchangeObserver(),
                                        ExchangeRecord.Protocol.TCP, tunnel));
                            }
                            pipeline.addLast("tunnel", new PublicConnectionHandler(tunnel, edge::draining,
                                    edge.connectionPhase(), edge.policyTimeout()));
                        });
                    }
                })
                .bind(host, port);
        bound.addListener(listened -> {
            if (!listened.isSuccess()) {
                log.atDebug().addKeyValue("port", port).log("port taken on this machine: {}",
                        listened.cause().toString());
                edge.release(tunnel);
                answer.complete(null);
            } else if (!tunnel.listening(bound.channel())) {
                answer.complete(new ControlMessage.Error(bind.id(), ErrorCode.INTERNAL,
                        "the agent's connection closed while its port opened"));
            } else {
                answer.complete(tunnel.bound(bind.id()));
            }
        });
        return answer;
    }
}
