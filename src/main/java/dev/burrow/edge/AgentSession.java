package dev.burrow.edge;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.PausedStreams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One connected agent: its HTTP/2 connection, who it authenticated as, and the tunnels it holds. Public listeners
 * open streams through {@link #openStream}; closing the connection frees every tunnel at once.
 */
public final class AgentSession {
    private final Channel channel;
    private final String id = UUID.randomUUID().toString();
    private final Heartbeat heartbeat;
    private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();
    private final PausedStreams pausedStreams = Http2Tuning.pausedStreams();
    private final SessionEnd end = new SessionEnd();
    private volatile String tokenName;
    private volatile Channel control;
    private volatile boolean acceptingStreams = true;

    AgentSession(Channel channel, Heartbeat heartbeat) {
        this.channel = channel;
        this.heartbeat = heartbeat;
    }

    public String id() {
        return id;
    }

    void authenticated(String tokenName, Channel controlStream) {
        this.tokenName = tokenName;
        this.control = controlStream;
    }

    boolean isAuthenticated() {
        return tokenName != null;
    }

    /** The name of the token the agent authenticated with, or null before. */
    String tokenName() {
        return tokenName;
    }

    /** Why this session ends, once something ends it. */
    SessionEnd end() {
        return end;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Round trip to the agent from the last PING, or -1 before the first. */
    public long rttNanos() {
        return heartbeat.lastRttNanos();
    }

    /** The event loop of the agent connection, where its streams run. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Paces this connection's streams by their public clients. */
    public PausedStreams pausedStreams() {
        return pausedStreams;
    }

    /** Opens a stream to the agent with {@code handler} as its whole pipeline. */
    public Future<Http2StreamChannel> openStream(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel).handler(handler).open();
    }

    /**
     * False while the agent already has as many streams open as it accepts at once (its
     * SETTINGS_MAX_CONCURRENT_STREAMS): a stream opened now would be refused. Exact on the session's event loop.
     */
    public boolean hasStreamCapacity() {
        Http2FrameCodec codec = channel.pipeline().get(Http2FrameCodec.class);
        return codec == null || codec.connection().local().canOpenStream();
    }

    /** False once the agent said GOAWAY or the connection closed: new requests must not be sent here. */
    public boolean acceptsStreams() {
        return acceptingStreams && channel.isActive();
    }

    void stopAcceptingStreams() {
        acceptingStreams = false;
    }

    void addTunnel(Tunnel tunnel) {
        tunnels.add(tunnel);
    }

    void removeTunnel(Tunnel tunnel) {
        tunnels.remove(tunnel);
    }

    List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    Channel channel() {
        return channel;
    }

    /** Tells the agent the edge is going away, then closes the connection once the message is written. */
    void drain(String reason) {
        end.record(SessionEnd.Reason.EDGE_DRAINING, reason);
        Channel ctl = control;
        if (ctl != null && ctl.isActive()) {
            ctl.writeAndFlush(new ControlMessage.Drain(reason)).addListener(f -> channel.close());
        } else {
            channel.close();
        }
    }
}
