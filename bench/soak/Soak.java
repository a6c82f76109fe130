import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * bench/soak's driver: runs a fixed mixed load through one edge for a given time and samples the edge and the agents.
 *
 * <p>It starts the upstreams (HTTP and WebSocket echo on one port, TCP echo on another), a relay between the agents
 * and the edge, and two agents ({@code burrow http} and {@code burrow tcp}) dialing the edge through that relay. The
 * load: HTTP requests at a fixed rate, WebSocket connections echoing a message every 200 ms, TCP connections echoing a
 * block every 100 ms; a client that fails opens again. Every few minutes the relay cuts the agents' connections (they
 * reconnect, as after a network drop) and the edge is sent SIGHUP (a reload). Every sample interval: used heap after a
 * full collection, RSS, open descriptors and threads of the edge and of each agent, and the errors and successes
 * counted since the last sample. Writes a CSV, a PNG of the four series, and a Markdown summary comparing the first
 * and last quarters of the run.
 *
 * <p>Arguments: jar edge-pid agent-port http-port fingerprint token minutes sample-seconds out-prefix log-dir.
 */
public final class Soak {
    private static final int HTTP_PER_SECOND = 100;
    private static final int HTTP_CONNECTIONS = 8;
    private static final int WEBSOCKETS = 20;
    private static final int TCP_CONNECTIONS = 4;
    private static final int TCP_BLOCK = 16 * 1024;
    /** Seconds between cuts of the agents' connections, and between reloads: -Dsoak.cut, -Dsoak.reload. */
    private static final Duration CUT_EVERY = Duration.ofSeconds(Long.getLong("soak.cut", 180));
    private static final Duration RELOAD_EVERY = Duration.ofSeconds(Long.getLong("soak.reload", 240));

    private record Sample(long second, long[] edge, long[] httpAgent, long[] tcpAgent, long ok, long errors) {
    }

    private static final AtomicLong ok = new AtomicLong();
    private static final AtomicLong errors = new AtomicLong();
    private static final String[] KINDS = {"HTTP", "WebSocket", "TCP"};
    /** Per kind over the whole run: successes at [kind][0], failures at [kind][1]. */
    private static final AtomicLong[][] byKind = {
        {new AtomicLong(), new AtomicLong()}, {new AtomicLong(), new AtomicLong()}, {new AtomicLong(), new AtomicLong()}};
    private static final List<Process> agents = new CopyOnWriteArrayList<>();
    private static volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        // The clients reach the tunnel by its name on the edge's loopback port, as curl --resolve would.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        String jar = args[0];
        long edgePid = Long.parseLong(args[1]);
        int agentPort = Integer.parseInt(args[2]);
        int httpPort = Integer.parseInt(args[3]);
        String fingerprint = args[4];
        String token = args[5];
        Duration length = Duration.ofMinutes(Long.parseLong(args[6]));
        Duration every = Duration.ofSeconds(Long.parseLong(args[7]));
        String out = args[8];
        Path logs = Path.of(args[9]);

        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        int webPort = bind(group, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                        new WebSocketServerProtocolHandler("/ws"), new WebEcho(), new Page(), new CloseOnError());
            }
        });
        int echoPort = bind(group, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }, new CloseOnError());
            }
        });
        Relay relay = new Relay(agentPort);

        String[] common = {"--server", "127.0.0.1:" + relay.port(), "--server-fingerprint", fingerprint,
                "--authtoken", token, "--log-level", "warn"};
        Process httpAgent = agent(jar, logs.resolve("http-agent.log"), concat(new String[] {"http", "127.0.0.1:" + webPort,
                "--subdomain", "soak", "--inspect=false"}, common));
        Process tcpAgent = agent(jar, logs.resolve("tcp-agent.log"), concat(new String[] {"tcp", "127.0.0.1:" + echoPort},
                common));
        awaitForwarding(httpAgent);
        String tcpUrl = awaitForwarding(tcpAgent);
        int tcpPort = Integer.parseInt(tcpUrl.substring(tcpUrl.lastIndexOf(':') + 1));

        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        for (int i = 0; i < HTTP_CONNECTIONS; i++) {
            daemon(() -> httpLoop(httpPort));
        }
        for (int i = 0; i < WEBSOCKETS; i++) {
            daemon(() -> webSocketLoop(httpPort));
        }
        for (int i = 0; i < TCP_CONNECTIONS; i++) {
            daemon(() -> tcpLoop(tcpPort));
        }
        timers.scheduleAtFixedRate(relay::cutAll, CUT_EVERY.toSeconds(), CUT_EVERY.toSeconds(), TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> run("kill", "-HUP", Long.toString(edgePid)), RELOAD_EVERY.toSeconds(),
                RELOAD_EVERY.toSeconds(), TimeUnit.SECONDS);

        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        while (System.nanoTime() < end) {
            long second = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            samples.add(new Sample(second, measure(edgePid), measure(httpAgent.pid()), measure(tcpAgent.pid()),
                    ok.getAndSet(0), errors.getAndSet(0)));
            Sample last = samples.get(samples.size() - 1);
            System.err.printf(Locale.ROOT, "soak %4d s: edge heap %d KiB rss %d KiB fds %d threads %d; ok %d errors %d%n",
                    second, last.edge()[0], last.edge()[1], last.edge()[2], last.edge()[3], last.ok(), last.errors());
            long next = start + (second + every.toSeconds()) * 1_000_000_000L;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
        }
        running = false;
        timers.shutdownNow();
        agents.forEach(Process::destroy);
        relay.close();
        group.shutdownGracefully();

        writeCsv(Path.of(out + ".csv"), samples);
        draw(Path.of(out + ".png"), samples);
        System.out.print(summary(samples, length, every));
        System.exit(0);
    }

    /** Heap used after a full GC (KiB), RSS (KiB), open descriptors and threads of a process; -1 where unreadable. */
    private static long[] measure(long pid) {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        int used = info.indexOf("used ");
        long heap = used < 0 ? -1 : Long.parseLong(info.substring(used + 5, info.indexOf('K', used)).trim());
        long rss = -1;
        long threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            return new long[] {-1, -1, -1, -1};
        }
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        return new long[] {heap, rss, fds == null ? -1 : fds.length, threads};
    }

    private static void httpLoop(int port) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/page"))
                .header("Host", "soak.soak.test").timeout(Duration.ofSeconds(10)).build();
        long period = 1_000_000_000L * HTTP_CONNECTIONS / HTTP_PER_SECOND;
        long due = System.nanoTime();
        while (running) {
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200 && response.body().length == Page.BODY.length) {
                    count(0, true);
                } else {
                    failed(0, "status " + response.statusCode() + ", " + response.body().length + " bytes");
                }
            } catch (IOException e) {
                failed(0, e);
            } catch (InterruptedException e) {
                return;
            }
            due += period;
            pause(due - System.nanoTime());
        }
    }

    private static void webSocketLoop(int port) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String message = "x".repeat(1024);
        while (running) {
            EchoListener listener = new EchoListener();
            try {
                WebSocket socket = client.newWebSocketBuilder().header("Host", "soak.soak.test")
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener).get(10, TimeUnit.SECONDS);
                try {
                    while (running) {
                        CompletableFuture<String> echo = listener.next();
                        socket.sendText(message, true).get(10, TimeUnit.SECONDS);
                        if (!message.equals(echo.get(10, TimeUnit.SECONDS))) {
                            failed(1, "a different message came back");
                            break;
                        }
                        count(1, true);
                        pause(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                } finally {
                    socket.abort();
                }
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException e) {
                failed(1, e.getCause() == null ? e : e.getCause());
                pause(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    /** Hands each whole text message to the future of the message awaited. */
    private static final class EchoListener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile CompletableFuture<String> awaited = new CompletableFuture<>();

        CompletableFuture<String> next() {
            awaited = new CompletableFuture<>();
            return awaited;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                awaited.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            awaited.completeExceptionally(error);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            awaited.completeExceptionally(new IOException("closed: " + status + " " + reason));
            return null;
        }
    }

    private static void tcpLoop(int port) {
        byte[] block = new byte[TCP_BLOCK];
        Arrays.fill(block, (byte) 'z');
        byte[] back = new byte[TCP_BLOCK];
        while (running) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(10_000);
                OutputStream to = socket.getOutputStream();
                InputStream from = socket.getInputStream();
                while (running) {
                    to.write(block);
                    to.flush();
                    int got = from.readNBytes(back, 0, TCP_BLOCK);
                    if (got != TCP_BLOCK || !Arrays.equals(block, back)) {
                        failed(2, got + " of " + TCP_BLOCK + " bytes came back" + (got == TCP_BLOCK ? ", different" : ""));
                        break;
                    }
                    count(2, true);
                    pause(TimeUnit.MILLISECONDS.toNanos(100));
                }
            } catch (IOException e) {
                failed(2, e);
                pause(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    private static Thread daemon(Runnable loop) {
        Thread thread = new Thread(loop, "soak-load");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The first failure of each kind, in words, for the summary. */
    private static final String[] firstFailure = new String[KINDS.length];

    private static void count(int kind, boolean success) {
        (success ? ok : errors).incrementAndGet();
        byKind[kind][success ? 0 : 1].incrementAndGet();
    }

    private static void failed(int kind, Object why) {
        count(kind, false);
        synchronized (firstFailure) {
            if (firstFailure[kind] == null) {
                firstFailure[kind] = String.valueOf(why);
            }
        }
    }

    private static void pause(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int bind(MultiThreadIoEventLoopGroup group, ChannelInitializer<SocketChannel> init)
            throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(init)
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static String[] concat(String[] first, String[] second) {
        String[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static Process agent(String jar, Path log, String[] arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        agents.add(process);
        return process;
    }

    /** The URL of the agent's "Forwarding" line; its other stdout lines (reconnects) are read and dropped after. */
    private static String awaitForwarding(Process agent) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        daemon(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("Forwarding")) {
                        url.complete(line.split("\\s+")[1]);
                    }
                }
                url.completeExceptionally(new IOException("the agent ended before it was forwarding"));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        });
        return url.get(60, TimeUnit.SECONDS);
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void writeCsv(Path file, List<Sample> samples) throws IOException {
        StringBuilder csv = new StringBuilder("second,edge_heap_kib,edge_rss_kib,edge_fds,edge_threads,"
                + "http_agent_heap_kib,http_agent_rss_kib,http_agent_fds,http_agent_threads,"
                + "tcp_agent_heap_kib,tcp_agent_rss_kib,tcp_agent_fds,tcp_agent_threads,ok,errors\n");
        for (Sample s : samples) {
            csv.append(s.second());
            for (long[] process : List.of(s.edge(), s.httpAgent(), s.tcpAgent())) {
                for (long value : process) {
                    csv.append(',').append(value);
                }
            }
            csv.append(',').append(s.ok()).append(',').append(s.errors()).append('\n');
        }
        Files.writeString(file, csv);
    }

    private static final String[] SERIES = {"heap after full GC (MiB)", "RSS (MiB)", "open descriptors", "threads"};
    private static final Color[] PROCESS_COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    private static final String[] PROCESSES = {"edge", "http agent", "tcp agent"};

    /** Four panels, one per series, each with the edge and the two agents over time. */
    private static void draw(Path file, List<Sample> samples) throws IOException {
        int width = 1200;
        int panel = 260;
        BufferedImage image = new BufferedImage(width, panel * 4 + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        long lastSecond = Math.max(1, samples.get(samples.size() - 1).second());
        for (int series = 0; series < 4; series++) {
            int top = 20 + series * panel;
            int left = 80;
            int plotWidth = width - left - 30;
            int plotHeight = panel - 60;
            double max = 1;
            for (Sample s : samples) {
                for (long[] process : List.of(s.edge(), s.httpAgent(), s.tcpAgent())) {
                    max = Math.max(max, scaled(series, process[series]));
                }
            }
            max *= 1.1;
            g.setColor(Color.BLACK);
            g.drawString(SERIES[series], left, top + 12);
            g.drawRect(left, top + 20, plotWidth, plotHeight);
            g.drawString(String.format(Locale.ROOT, "%.0f", max), 10, top + 30);
            g.drawString("0", 10, top + 20 + plotHeight);
            g.drawString("0 min", left, top + 20 + plotHeight + 15);
            g.drawString(String.format(Locale.ROOT, "%.1f min", lastSecond / 60.0), left + plotWidth - 50,
                    top + 20 + plotHeight + 15);
            for (int p = 0; p < 3; p++) {
                g.setColor(PROCESS_COLORS[p]);
                g.setStroke(new BasicStroke(1.5f));
                g.drawString(PROCESSES[p], left + 300 + p * 120, top + 12);
                int previousX = -1;
                int previousY = -1;
                for (Sample s : samples) {
                    long[] process = p == 0 ? s.edge() : p == 1 ? s.httpAgent() : s.tcpAgent();
                    if (process[series] < 0) {
                        previousX = -1;
                        continue;
                    }
                    int x = left + (int) (plotWidth * s.second() / lastSecond);
                    int y = top + 20 + plotHeight - (int) (plotHeight * scaled(series, process[series]) / max);
                    if (previousX >= 0) {
                        g.drawLine(previousX, previousY, x, y);
                    }
                    previousX = x;
                    previousY = y;
                }
            }
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static double scaled(int series, long value) {
        return series < 2 ? value / 1024.0 : value;
    }

    /** Medians of the first and the last quarter of the run, per process and series, and the errors. */
    private static String summary(List<Sample> samples, Duration length, Duration every) {
        StringBuilder text = new StringBuilder();
        int quarter = Math.max(1, samples.size() / 4);
        List<Sample> first = samples.subList(0, quarter);
        List<Sample> last = samples.subList(samples.size() - quarter, samples.size());
        text.append(String.format(Locale.ROOT, "Load: %d HTTP requests/s over %d connections, %d WebSockets echoing"
                        + " 1 KiB every 200 ms, %d TCP connections echoing %d KiB every 100 ms; agents' connections"
                        + " cut every %d s, edge reloaded (SIGHUP) every %d s; sampled every %d s for %d min.%n%n",
                HTTP_PER_SECOND, HTTP_CONNECTIONS, WEBSOCKETS, TCP_CONNECTIONS, TCP_BLOCK / 1024,
                CUT_EVERY.toSeconds(), RELOAD_EVERY.toSeconds(), every.toSeconds(), length.toMinutes()));
        text.append("| process | series | first quarter (median) | last quarter (median) | last / first |\n");
        text.append("|---|---|---|---|---|\n");
        for (int p = 0; p < 3; p++) {
            for (int series = 0; series < 4; series++) {
                double a = median(first, p, series);
                double b = median(last, p, series);
                text.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f |%n", PROCESSES[p],
                        SERIES[series], a, b, a == 0 ? 0 : b / a));
            }
        }
        long okTotal = samples.stream().mapToLong(Sample::ok).sum();
        long errorTotal = samples.stream().mapToLong(Sample::errors).sum();
        long quietErrors = samples.stream().filter(s -> s.errors() > 0).count();
        text.append(String.format(Locale.ROOT, "%nExchanges that succeeded: %d; failed: %d (%.3f%%), in %d of %d"
                        + " sample intervals (the cuts make some fail by design: a request or echo in flight when"
                        + " the agents' connections are cut).%n", okTotal, errorTotal,
                100.0 * errorTotal / Math.max(1, okTotal + errorTotal), quietErrors, samples.size()));
        for (int kind = 0; kind < KINDS.length; kind++) {
            text.append(String.format(Locale.ROOT, "- %s: %d succeeded, %d failed%s%n", KINDS[kind],
                    byKind[kind][0].get(), byKind[kind][1].get(),
                    firstFailure[kind] == null ? "" : " (the first: " + firstFailure[kind] + ")"));
        }
        return text.toString();
    }

    private static double median(List<Sample> samples, int process, int series) {
        double[] values = samples.stream().mapToDouble(s -> scaled(series,
                (process == 0 ? s.edge() : process == 1 ? s.httpAgent() : s.tcpAgent())[series]))
                .filter(v -> v >= 0).sorted().toArray();
        return values.length == 0 ? -1 : values[values.length / 2];
    }

    /** The upstream's HTTP page: a fixed 1 KiB body for every request that is not a WebSocket upgrade. */
    private static final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        static final byte[] BODY = "p".repeat(1024).getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BODY));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            ctx.writeAndFlush(response);
        }
    }

    /** An upstream connection the agent resets (its tunnel's connection was cut) just closes, without a warning. */
    private static final class CloseOnError extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class WebEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            ctx.writeAndFlush(frame.retain());
        }
    }

    /**
     * Between the agents and the edge: forwards bytes both ways, one thread per direction, and on {@link #cutAll}
     * closes every connection it carries, as a dropped network would end them.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Relay(int edgePort) throws IOException {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            daemon(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket agent = server.accept();
                        Socket edge = new Socket("127.0.0.1", edgePort);
                        open.add(agent);
                        open.add(edge);
                        daemon(() -> pipe(agent, edge));
                        daemon(() -> pipe(edge, agent));
                    } catch (IOException e) {
                        // The relay is closing, or the edge refused: the agent retries.
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void pipe(Socket from, Socket to) {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // Cut, or the other side closed: close both below.
            }
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }

        void cutAll() {
            open.forEach(Relay::closeQuietly);
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing is all that is wanted.
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            cutAll();
        }
    }
}
