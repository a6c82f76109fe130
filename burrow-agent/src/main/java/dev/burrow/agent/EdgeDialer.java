package dev.burrow.agent;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.EventLoops;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Dials the edge and assembles the connection's pipeline: TLS that verifies the edge, HTTP/2 in which the edge
 * opens the streams, the connection's receive window, the {@link StreamDispatcher} for each stream, heartbeats.
 * Each {@link #connect} is one attempt; retrying is the {@link Supervisor}'s call.
 */
final class EdgeDialer {
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    /** Where and how the agent reaches its edge. */
    /** @param trust what the edge's certificate is checked against, in words: "CAs from /etc/burrow/ca.pem" */
    record Settings(HostPort edge, SslContext tls, String trust, Duration connectTimeout, Duration heartbeatInterval,
                    int heartbeatMisses, int maxStreams) {
    }

    private final Settings settings;
    private final EventLoops loops;
    private final StreamContext streams;
    private final ControlMessage.Hello hello;
    private final AgentListener listener;

    EdgeDialer(Settings settings, EventLoops loops, StreamContext streams, ControlMessage.Hello hello,
               AgentListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.loops = loops;
        this.streams = streams;
        this.hello = hello;
    }

    HostPort edge() {
        return settings.edge();
    }

    /**
     * Connects, authenticates, and completes once the edge has welcomed this agent. {@code resume} is the session
     * this agent had on the edge before, which the edge may still hold open (null on the first connect).
     */
    CompletableFuture<EdgeConnection> connect(String resume) {
        CompletableFuture<EdgeConnection> result = new CompletableFuture<>();
        HostPort edge = settings.edge();
        new Bootstrap()
                .group(loops.group())
                .channel(loops.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                // The pipeline is assembled once connected: an SslHandler added before that may write its
                // ClientHello where nothing flushes it.
                .handler(new ChannelInboundHandlerAdapter())
                .connect(edge.host(), edge.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new AgentException(ErrorCode.EDGE_UNREACHABLE,
                                "cannot reach the edge at " + edge + ": " + Causes.describe(f.cause()), f.cause()));
                        return;
                    }
                    EdgeConnection conn = assemble(f.channel(), hello.resuming(resume));
                    conn.welcome().whenComplete((welcome, error) -> {
                        if (error != null) {
                            conn.close();
                            result.completeExceptionally(untrusted(error));
                        } else {
                            result.complete(conn);
                        }
                    });
                });
        return result;
    }

    /** A refused certificate, said with the trust it failed and why in words; any other failure as it is. */
    private Throwable untrusted(Throwable error) {
        if (!(error instanceof AgentException refused) || refused.code() != ErrorCode.EDGE_UNTRUSTED) {
            return error;
        }
        return new AgentException(ErrorCode.EDGE_UNTRUSTED, "the edge's certificate is not trusted by "
                + settings.trust() + ": " + Causes.untrusted(Causes.root(error), settings.edge().host()), error);
    }

    private EdgeConnection assemble(Channel ch, ControlMessage.Hello hello) {
        Heartbeat heartbeat = new Heartbeat(settings.heartbeatInterval(), settings.heartbeatMisses());
        EdgeConnection conn = new EdgeConnection(ch, heartbeat, streams.exchangeLog(), listener);
        StreamDispatcher dispatcher = new StreamDispatcher(streams, conn, hello);
        HostPort edge = settings.edge();
        SslHandler tls = settings.tls().newHandler(ch.alloc(), edge.host(), edge.port());
        tls.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
        ch.pipeline()
                .addLast("tls", tls)
                .addLast("flush", Http2Tuning.flushConsolidation())
                .addLast("h2", Http2Tuning.agentCodec(settings.maxStreams()))
                .addLast("window", new ConnectionWindow(Http2Tuning.CONNECTION_WINDOW))
                .addLast("mux", new StreamMux(stream -> dispatcher))
                .addLast("heartbeat", heartbeat)
                .addLast("connection", new AgentConnectionHandler(conn));
        return conn;
    }
}
