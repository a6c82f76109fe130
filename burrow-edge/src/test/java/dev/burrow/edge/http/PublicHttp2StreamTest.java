package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.EmbeddedLink;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streams of one public HTTP/2 connection, in memory: a client (Netty's codec and a {@link StreamMux}) joined to
 * the edge's public pipeline, and an agent connection whose session the tunnel routes to. The e2e tests cover the
 * relay; these cover what only shows on one stream: its failures, a client that leaves while it is held, and
 * backpressure both ways.
 */
class PublicHttp2StreamTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final StubHttpEdge edge = new StubHttpEdge();
    private final StreamMux clientMux = new StreamMux(null);
    private final EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), clientMux);
    private final EmbeddedChannel publicSide = new EmbeddedChannel();
    private final EmbeddedAgentConnection agent = new EmbeddedAgentConnection();
    private final AgentSession session = agent.session();
    /** The request phase's decision, which the test makes. */
    private final CompletableFuture<RequestDecision> decision = new CompletableFuture<>();

    @BeforeEach
    void setUp() {
        ClientAddress.set(publicSide, CLIENT, CLIENT);
        PublicHttp2Pipeline.configure(publicSide.pipeline(), edge, PublicConnection.PLAIN);
        edge.serve(new HttpTunnel("t1", "app.burrow.test", "http://app.burrow.test", false, false, session,
                new PolicySlot(TrafficPolicy.NONE)));
        edge.phases(PolicyPhases.NONE.withRequest((request, tunnel, address) -> decision));
        exchange();
        agentWrote();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        publicSide.finishAndReleaseAll();
        agent.close();
    }

    private void exchange() {
        EmbeddedLink.exchange(client, publicSide);
    }

    /** Whether the edge wrote anything to the agent since last asked. */
    private boolean agentWrote() {
        return !agent.sent().isEmpty();
    }

    private static Http2Headers request(String method) {
        return new DefaultHttp2Headers().method(method).scheme("http").authority("app.burrow.test").path("/");
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Opens a stream whose request has a body, and sends its first part: the request phase then holds it. */
    private TunnelStream postHeld(Recorder recorder) {
        TunnelStream stream = clientMux.open(recorder);
        stream.write(request("POST"), false);
        stream.write(text("first part"), false);
        stream.flush();
        exchange();
        return stream;
    }

    @Test
    void aRequestAllowedGoesToTheAgentWithWhatTheClientSentMeanwhile() {
        postHeld(new Recorder());
        assertThat(agentWrote()).isFalse();

        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();

        List<EmbeddedAgentConnection.Frame> frames = agent.sent();
        assertThat(frames).extracting(EmbeddedAgentConnection.Frame::type)
                .containsExactly(EmbeddedAgentConnection.HEADERS, EmbeddedAgentConnection.DATA);
        assertThat(frames.get(1).text()).isEqualTo("first part");
        assertThat(edge.inFlight()).isEqualTo(1);
    }

    @Test
    void aClientsUploadStopsWhileTheAgentsStreamCannotTakeMore() {
        TunnelStream upload = postHeld(new Recorder());
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();
        agentWrote();

        // The agent never opens its window beyond HTTP/2's first 64 KiB: the body piles up in the agent's stream
        // until that is unwritable, and from then on the client's window is not returned.
        for (int i = 0; i < 32; i++) {
            upload.write(Unpooled.wrappedBuffer(new byte[64 * 1024]), false);
        }
        upload.flush();
        exchange();
        agentWrote();
        exchange();

        assertThat(upload.isWritable()).as("the client still has most of its 2 MiB to send").isFalse();
    }

    @Test
    void theAgentsStreamIsPausedWhileTheClientTakesNoMoreOfTheResponse() {
        TunnelStream download = clientMux.open(new Recorder());
        download.write(request("GET"), true);
        download.flush();
        exchange();
        // The client stops reading: its window, 64 KiB, is not returned.
        download.reading(false);
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();
        int id = agent.sent().get(0).streamId();
        agent.headers(id, new DefaultHttp2Headers().status("200"), false);

        // The agent sends as much as the edge lets it, 16 KiB at a time, up to 2 MiB.
        String chunk = "x".repeat(16 * 1024);
        long streamWindow = 65_535;
        long connectionWindow = 65_535;
        long sent = 0;
        for (int round = 0; round < 128 && Math.min(streamWindow, connectionWindow) >= chunk.length(); round++) {
            agent.data(id, chunk, false);
            sent += chunk.length();
            streamWindow -= chunk.length();
            connectionWindow -= chunk.length();
            exchange();
            for (EmbeddedAgentConnection.Frame frame : agent.sent()) {
                if (frame.type() == EmbeddedAgentConnection.WINDOW_UPDATE) {
                    int increment = ((frame.payload()[0] & 0x7f) << 24) | ((frame.payload()[1] & 0xff) << 16)
                            | ((frame.payload()[2] & 0xff) << 8) | (frame.payload()[3] & 0xff);
                    if (frame.streamId() == id) {
                        streamWindow += increment;
                    } else {
                        connectionWindow += increment;
                    }
                }
            }
        }

        assertThat(sent).as("what the edge took before it stopped returning the agent's window")
                .isLessThan(1024 * 1024);
    }

    @Test
    void aBodyCompressResponseChoseIsGzippedFrameByFrameAndEndsBeforeTheTrailers() throws Exception {
        edge.serve(new HttpTunnel("t1", "app.burrow.test", "http://app.burrow.test", false, false, session,
                new PolicySlot(TrafficPolicy.compile("on_http_response: [{actions: [{type: compress-response}]}]"))));
        Collector collector = new Collector();
        TunnelStream download = clientMux.open(collector);
        download.write(request("GET").add("accept-encoding", "gzip"), true);
        download.flush();
        exchange();
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();
        int id = agent.sent().get(0).streamId();

        agent.headers(id, new DefaultHttp2Headers().status("200").add("content-length", "12"), false);
        agent.data(id, "hello ", false);
        exchange();
        int firstPart = collector.body.size();
        agent.data(id, "world!", false);
        agent.headers(id, new DefaultHttp2Headers().add("grpc-status", "0"), true);
        exchange();

        assertThat(collector.heads).hasSize(2);
        Http2Headers head = collector.heads.get(0);
        assertThat(head.get("content-encoding")).hasToString("gzip");
        assertThat(head.get("vary")).hasToString("Accept-Encoding");
        assertThat(head.contains("content-length")).isFalse();
        assertThat(firstPart).as("the first frame's part came before the second").isGreaterThan(10);
        assertThat(collector.heads.get(1).get("grpc-status")).hasToString("0");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(collector.body.toByteArray()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello world!");
        }
    }

    /** Keeps the heads and body bytes the client's stream is sent. */
    private static final class Collector implements TunnelStream.Handler {
        final List<Http2Headers> heads = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            heads.add(headers);
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            body.writeBytes(ByteBufUtil.getBytes(data));
            data.release();
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
        }
    }

    @Test
    void aClientThatLeavesWhileTheRequestPhaseDecidesNeverReachesTheAgent() {
        postHeld(new Recorder());

        publicSide.close();
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();

        assertThat(agentWrote()).isFalse();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aStreamTheClientResetsWhileTheRequestPhaseDecidesNeverReachesTheAgent() {
        Recorder recorder = new Recorder();
        TunnelStream stream = postHeld(recorder);

        stream.reset(Http2Error.CANCEL);
        exchange();
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();

        assertThat(agentWrote()).isFalse();
        assertThat(publicSide.isActive()).isTrue();
    }

    @Test
    void anAnswerBeforeTheRequestEndedResetsTheStreamWithNoErrorAndDropsTheRestOfTheBody() {
        Recorder recorder = new Recorder();
        TunnelStream stream = postHeld(recorder);

        decision.complete(RequestDecision.answer(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.FORBIDDEN, text("no entry"))));
        publicSide.runPendingTasks();
        exchange();
        stream.write(text("rest"), true);
        stream.flush();
        exchange();

        assertThat(recorder.events).containsExactly("headers 403", "end", "closed NO_ERROR");
        assertThat(agentWrote()).isFalse();
    }

    @Test
    void aStreamWhoseHandlerFailsIsResetAloneAndTheConnectionServesTheNext() {
        edge.serve(new BrokenTunnel());
        Recorder failing = new Recorder();
        TunnelStream first = clientMux.open(failing);
        first.write(request("GET"), true);
        first.flush();
        exchange();

        assertThat(failing.events).containsExactly("closed INTERNAL_ERROR");
        assertThat(publicSide.isActive()).isTrue();
        edge.serve(null);
        Recorder next = new Recorder();
        TunnelStream second = clientMux.open(next);
        second.write(request("GET"), true);
        second.flush();
        exchange();
        assertThat(next.events).containsExactly("headers 404", "end", "closed null");
    }

    /** A tunnel whose session cannot be had: routing to it is a bug in the stream's handler. */
    private static final class BrokenTunnel implements Tunnel {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public TunnelType type() {
            return TunnelType.HTTP;
        }

        @Override
        public AgentSession session() {
            throw new IllegalStateException("a bug behind the stream's handler");
        }

        @Override
        public String url() {
            return "http://broken.burrow.test";
        }

        @Override
        public String routeKey() {
            return "broken.burrow.test";
        }

        @Override
        public PolicySlot policySlot() {
            return new PolicySlot(TrafficPolicy.NONE);
        }
    }

    /** Records what the client's stream is told, as short lines. */
    private static final class Recorder implements TunnelStream.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            events.add("headers " + headers.status() + (endStream ? " end" : ""));
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            data.release();
            if (endStream) {
                events.add("end");
            }
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
            events.add("closed " + resetBy);
        }
    }
}
