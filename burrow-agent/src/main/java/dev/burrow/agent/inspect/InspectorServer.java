package dev.burrow.agent.inspect;

import dev.burrow.agent.Agent;
import dev.burrow.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The agent's local inspector: the JSON API (and the page) on a loopback port, 4040 by default or the next free
 * one. It runs on an event loop of its own, apart from the tunnels' traffic.
 */
public final class InspectorServer implements AutoCloseable {
    public static final int DEFAULT_PORT = 4040;
    /** Ports tried after the one asked for, when it is taken. */
    private static final int NEXT_PORTS = 20;
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final int IDLE_SECONDS = 300;

    private final EventLoops loops;
    private final LiveUpdates live;
    private final InspectorApi api;
    private final Channel listener;

    private InspectorServer(EventLoops loops, LiveUpdates live, InspectorApi api, Channel listener) {
        this.loops = loops;
        this.live = live;
        this.api = api;
        this.listener = listener;
    }

    /**
     * Listens on {@code address}, or on the next free port after it when that is taken.
     *
     * @throws IllegalStateException if none of them is free
     */
    public static InspectorServer start(Agent agent, InetSocketAddress address) {
        EventLoops loops = EventLoops.create(1);
        LiveUpdates live = agent.exchangeLog() == null ? null : new LiveUpdates(agent.exchangeLog(),
                loops.group().next());
        InspectorApi api = new InspectorApi(agent, live);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelType())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(api);
                    }
                });
        int tries = address.getPort() == 0 ? 1 : NEXT_PORTS + 1;
        for (int i = 0; i < tries; i++) {
            InetSocketAddress candidate = new InetSocketAddress(address.getAddress(), address.getPort() == 0 ? 0
                    : address.getPort() + i);
            try {
                return new InspectorServer(loops, live, api, bootstrap.bind(candidate).sync().channel());
            } catch (Exception e) {
                if (!addressInUse(e)) {
                    if (live != null) {
                        live.close();
                    }
                    api.close();
                    loops.close();
                    throw new IllegalStateException("inspector could not listen on " + candidate, e);
                }
            }
        }
        if (live != null) {
            live.close();
        }
        api.close();
        loops.close();
        throw new IllegalStateException("inspector: ports " + address.getPort() + "-" + (address.getPort() + NEXT_PORTS)
                + " on " + address.getAddress().getHostAddress() + " are all taken");
    }

    /** Native transports report a taken port as their own exception, with the system's message. */
    private static boolean addressInUse(Exception e) {
        return e instanceof BindException
                || (e.getMessage() != null && e.getMessage().contains("Address already in use"));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The page's address, such as {@code http://127.0.0.1:4040}. */
    public String url() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    @Override
    public void close() {
        if (live != null) {
            live.close();
        }
        listener.close().syncUninterruptibly();
        api.close();
        loops.close();
    }
}
