import dev.burrow.edge.EdgeConfig;
import dev.burrow.logging.LogFormat;
import dev.burrow.logging.LogSetup;
import dev.burrow.protocol.Protocol;
import dev.burrow.transport.Http2Tuning;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.event.Level;

/**
 * Opens growing numbers of WebSockets through one Burrow tunnel and keeps them all open and idle. After each step
 * it checks that every one is still open and that a sample still echoes, then reads the heap after a full GC and
 * the RSS of the edge and of the agent: the slopes over the sizes are their costs per idle stream. Run by bench/ws.
 *
 * <p>Arguments: edge-pid agent-pid http-port host size...
 */
public final class WsBench {
    private static final int IN_FLIGHT = 256;
    private static final int SAMPLE = 100;
    private static final long STEP_TIMEOUT_S = 60;
    private static final long ECHO_TIMEOUT_S = 10;

    private static final AtomicInteger closedAfterOpen = new AtomicInteger();
    private static final AtomicInteger failures = new AtomicInteger();
    private static final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        LogSetup.configure("stderr", Level.WARN, LogFormat.LOGFMT);
        long edgePid = Long.parseLong(args[0]);
        long agentPid = Long.parseLong(args[1]);
        int httpPort = Integer.parseInt(args[2]);
        String host = args[3];
        // The limits the edge runs with are EdgeConfig's defaults: `burrow edge` has no option for either.
        EdgeConfig edge = EdgeConfig.builder("defaults.test", Path.of("unused")).build();
        int perAddress = edge.maxPublicConnectionsPerAddress();
        long idleTimeoutS = edge.idleTimeout().toSeconds();
        // The edge opens every stream on the one agent connection, its control stream first, so that connection's
        // stream limit less one is the most WebSockets one tunnel can hold.
        int streamCap = Http2Tuning.MAX_CONCURRENT_STREAMS - 1;
        int[] sizes = Arrays.stream(args, 4, args.length).mapToInt(a -> Math.min(Integer.parseInt(a), streamCap))
                .distinct().toArray();
        if (Integer.parseInt(args[args.length - 1]) > streamCap) {
            System.out.printf("One agent connection carries at most %d streams, its control stream among them, so "
                    + "the sizes stop at %d.%n", Http2Tuning.MAX_CONCURRENT_STREAMS, streamCap);
        }
        int top = sizes[sizes.length - 1];
        System.out.printf("Edge idle timeout %d s (its default; `burrow edge` has no option for it): no socket may "
                + "stay idle that long, so the run fails if it would. The edge takes %d connections per client "
                + "address, so the client uses source addresses 127.0.0.2 to %s.%n%n",
                idleTimeoutS, perAddress, source(top - 1, perAddress).getHostString());

        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        URI uri = URI.create("ws://127.0.0.1:" + httpPort + "/");
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000).remoteAddress("127.0.0.1", httpPort);
        List<Client> clients = new ArrayList<>();
        long firstOpened = 0;
        double[] xs = new double[sizes.length];
        double[][] ys = new double[4][sizes.length];
        System.out.println("| WebSockets | open time for the step (ms) | edge heap after GC (MiB) | edge RSS (MiB) "
                + "| agent heap after GC (MiB) | agent RSS (MiB) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int s = 0; s < xs.length; s++) {
            int target = sizes[s];
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_S);
            if (firstOpened == 0) {
                firstOpened = started;
            }
            // A window of handshakes in flight: all at once would overflow the listen backlogs and time out.
            Semaphore window = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> step = new ArrayList<>();
            while (clients.size() < target) {
                if (failures.get() > 0) {
                    fail(failures.get() + " WebSocket(s) failed to open at " + clients.size(), firstFailure.get());
                }
                if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    fail("opening " + target + " WebSockets took over " + STEP_TIMEOUT_S + " s", null);
                }
                Client client = open(bootstrap, uri, host, source(clients.size(), perAddress));
                client.opened.whenComplete((v, e) -> window.release());
                clients.add(client);
                step.add(client.opened);
            }
            try {
                CompletableFuture.allOf(step.toArray(CompletableFuture[]::new))
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                fail("opening " + target + " WebSockets: " + failures.get() + " failed", firstFailure.get());
            }
            long openMs = (System.nanoTime() - started) / 1_000_000;

            long open = clients.stream().filter(c -> c.channel.isActive()).count();
            if (open != clients.size() || closedAfterOpen.get() > 0) {
                fail((clients.size() - open) + " of " + clients.size() + " WebSockets closed while idle", null);
            }
            echoSample(clients, target);
            long idleS = (System.nanoTime() - firstOpened) / 1_000_000_000;
            // Past this the earliest sockets would be near the edge's idle timeout, and the check above would race it.
            if (idleS > idleTimeoutS * 3 / 4) {
                fail("the run reached " + idleS + " s, too near the edge's idle timeout of " + idleTimeoutS
                        + " s; use smaller SIZES", null);
            }

            xs[s] = target;
            ys[0][s] = heapAfterGcKib(edgePid) / 1024.0;
            ys[1][s] = rssKib(edgePid) / 1024.0;
            ys[2][s] = heapAfterGcKib(agentPid) / 1024.0;
            ys[3][s] = rssKib(agentPid) / 1024.0;
            System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f |%n", target, openMs, ys[0][s], ys[1][s],
                    ys[2][s], ys[3][s]);
        }
        if (closedAfterOpen.get() > 0) {
            fail(closedAfterOpen.get() + " WebSockets closed while the heaps were read", null);
        }
        System.out.printf("%nper idle WebSocket (slope): edge heap %.1f KiB, edge RSS %.1f KiB, agent heap %.1f KiB, "
                + "agent RSS %.1f KiB%n", slope(xs, ys[0]) * 1024, slope(xs, ys[1]) * 1024,
                slope(xs, ys[2]) * 1024, slope(xs, ys[3]) * 1024);
        System.out.flush();
        // The processes are killed next; closing ten thousand sockets one by one would only add time.
        System.exit(0);
    }

    /** The edge caps connections per client address, so each block of that many gets an address of its own. */
    private static InetSocketAddress source(int index, int perAddress) {
        return new InetSocketAddress("127.0.0." + (2 + index / perAddress), 0);
    }

    private static Client open(Bootstrap bootstrap, URI uri, String host, InetSocketAddress source) {
        Client client = new Client();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .customHeaders(new DefaultHttpHeaders().set(HttpHeaderNames.HOST, host))
                .handshakeTimeoutMillis(10_000).build();
        bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), client);
            }
        }).connect(bootstrap.config().remoteAddress(), source).addListener(f -> {
            if (!f.isSuccess()) {
                client.failed(f.cause());
            }
        });
        return client;
    }

    /** One message on each of an even spread of the open sockets, each awaited back from the echo upstream. */
    private static void echoSample(List<Client> clients, int step) throws InterruptedException {
        int n = Math.min(SAMPLE, clients.size());
        List<CompletableFuture<String>> echoes = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Client client = clients.get((int) ((long) k * clients.size() / n));
            String text = "step " + step + " socket " + k;
            client.echo = new CompletableFuture<>();
            echoes.add(client.echo);
            sent.add(text);
            client.channel.writeAndFlush(new TextWebSocketFrame(text));
        }
        for (int k = 0; k < n; k++) {
            try {
                String back = echoes.get(k).get(ECHO_TIMEOUT_S, TimeUnit.SECONDS);
                if (!back.equals(sent.get(k))) {
                    fail("echo mismatch: sent '" + sent.get(k) + "', got '" + back + "'", null);
                }
            } catch (Exception e) {
                fail("no echo within " + ECHO_TIMEOUT_S + " s on sample socket " + k + " of " + n, e);
            }
        }
    }

    private static final class Client extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        volatile CompletableFuture<String> echo;
        volatile Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened.complete(null);
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failed(new IOException("handshake timed out"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            CompletableFuture<String> pending = echo;
            if (pending != null) {
                pending.complete(frame.text());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (opened.isDone()) {
                closedAfterOpen.incrementAndGet();
            } else {
                failed(new IOException("closed before the handshake finished"));
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause);
            ctx.close();
        }

        void failed(Throwable cause) {
            if (opened.completeExceptionally(cause)) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, cause);
            }
        }
    }

    private static void fail(String message, Throwable cause) {
        System.out.flush();
        String detail = cause == null ? "" : ": " + cause;
        // The edge names why it refused (agent gone, stream refused) in one header; show it.
        if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
            detail += " (" + Protocol.AGENT_ERROR + ": " + refused.response().headers().get(Protocol.AGENT_ERROR) + ")";
        }
        System.err.println("bench/ws: " + message + detail);
        System.exit(1);
    }

    /** Used heap in KiB after a full collection: the sum of the generations' "used" in jcmd's GC.heap_info. */
    private static long heapAfterGcKib(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        long used = 0;
        for (String line : run("jcmd", Long.toString(pid), "GC.heap_info").split("\n")) {
            int at = line.indexOf(", used ");
            if (line.contains(" total ") && at >= 0) {
                used += Long.parseLong(line.substring(at + 7, line.indexOf('K', at)).trim());
            }
        }
        if (used == 0) {
            fail("could not read the heap of process " + pid + " with jcmd", null);
        }
        return used;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        fail("no VmRSS for process " + pid, null);
        return -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        // Through a file, not a pipe, so that a hung jcmd cannot block the read past the timeout.
        Path out = Files.createTempFile("ws-jcmd", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " took over 60 s", null);
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static double slope(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / x.length;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }
}
