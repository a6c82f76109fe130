package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import dev.burrow.agent.inspect.InspectorServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WebSocket client on the public side talks to a WebSocket server behind the agent, both ways. */
class WebSocketTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel echoServer;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir);
        echoServer = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        ctx.writeAndFlush(new TextWebSocketFrame("echo:" + f.text()));
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        echoServer.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void messagesFlowBothWaysThroughTheTunnel() throws Exception {
        Agent agent = harness.startAgent();
        exchangeMessages(agent);
    }

    @Test
    void theJdksOwnWebSocketClientExchangesMessagesThroughTheTunnel() throws Exception {
        int port = ((InetSocketAddress) echoServer.localAddress()).getPort();
        AgentTunnel tunnel = harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(port)));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();

        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Host", tunnel.hostname())
                .buildAsync(URI.create("ws://127.0.0.1:" + harness.httpPort() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        received.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                        closed.complete(status + " " + reason);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            socket.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).as(() -> "closed: " + closed.getNow("no"))
                    .isEqualTo("echo:m" + i);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void theInspectorListsEachMessageUnderItsUpgradeRequest() throws Exception {
        ExchangeLog log = ExchangeLog.withDefaults();

        exchangeMessages(harness.startAgent(harness.agentBuilder().inspect(log)));

        await().atMost(Duration.ofSeconds(10)).until(() -> frames(log).size() >= 40);
        ExchangeView upgrade = log.newestFirst().get(0).view();
        assertThat(upgrade.uri()).isEqualTo("/ws");
        List<ExchangeView.Frame> frames = frames(log);
        assertThat(frames).filteredOn(ExchangeView.Frame::fromClient).extracting(ExchangeLogText::preview)
                .startsWith("m0", "m1", "m2");
        assertThat(frames).filteredOn(frame -> !frame.fromClient()).extracting(ExchangeLogText::preview)
                .startsWith("echo:m0", "echo:m1");
        assertThat(frames).filteredOn(frame -> frame.type().equals("text")).hasSizeGreaterThanOrEqualTo(40);
        assertThat(upgrade.requestBody().size()).isZero();
    }

    @Test
    void theInspectorApiShowsTheUpgradeWithTheStatusTheClientSaw() throws Exception {
        Agent agent = harness.startAgent(harness.agentBuilder().inspect(ExchangeLog.withDefaults()));
        InspectorServer inspector = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", 0));
        try {
            exchangeMessages(agent);

            JsonNode listed = await().atMost(Duration.ofSeconds(10))
                    .until(() -> listedUpgrade(inspector), item -> item != null);
            assertThat(listed.get("status").asInt()).isEqualTo(101);
            assertThat(listed.get("websocket").asBoolean()).isTrue();
            JsonNode detail = inspectorGet(inspector, "/api/requests/" + listed.get("id").asLong());
            assertThat(detail.get("status").asInt()).isEqualTo(101);
        } finally {
            inspector.close();
        }
    }

    private JsonNode listedUpgrade(InspectorServer inspector) throws Exception {
        for (JsonNode item : inspectorGet(inspector, "/api/requests").get("requests")) {
            if (item.get("uri").asText().equals("/ws") && !item.get("status").isNull()) {
                return item;
            }
        }
        return null;
    }

    private JsonNode inspectorGet(InspectorServer inspector, String path) throws Exception {
        HttpResponse<String> response = harness.client.send(
                HttpRequest.newBuilder(URI.create(inspector.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    private static List<ExchangeView.Frame> frames(ExchangeLog log) {
        if (log.newestFirst().isEmpty() || log.newestFirst().get(0).view().webSocket() == null) {
            return List.of();
        }
        return log.newestFirst().get(0).view().webSocket().frames();
    }

    /** Text of a frame's preview. */
    private static final class ExchangeLogText {
        static String preview(ExchangeView.Frame frame) {
            return new String(frame.preview(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private void exchangeMessages(Agent agent) throws Exception {
        int port = ((InetSocketAddress) echoServer.localAddress()).getPort();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(port)));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        URI uri = URI.create("ws://" + tunnel.hostname() + ":" + harness.httpPort() + "/ws");
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(uri, WebSocketVersion.V13, null, false,
                                        new DefaultHttpHeaders(), 65536),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        received.add(f.text());
                                    }

                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        events.add(evt);
                                    }
                                });
                    }
                }).connect("127.0.0.1", harness.httpPort()).syncUninterruptibly().channel();

        Object event;
        do {
            event = events.poll(10, TimeUnit.SECONDS);
        } while (event != null
                && event != WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(event).isEqualTo(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

        for (int i = 0; i < 20; i++) {
            client.writeAndFlush(new TextWebSocketFrame("m" + i));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:m" + i);
        }
        client.close().syncUninterruptibly();
    }
}
