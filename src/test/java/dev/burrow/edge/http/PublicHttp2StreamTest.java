package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.EmbeddedSessions;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.EmbeddedLink;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streams of one public HTTP/2 connection, in memory: a client (Netty's codec and a {@link StreamMux}) joined to
 * the edge's public pipeline, and an agent connection whose session the tunnel routes to. The e2e tests cover the
 * relay; these cover what only shows on one stream: its failures and a client that leaves while it is held.
 */
class PublicHttp2StreamTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final StubHttpEdge edge = new StubHttpEdge();
    private final StreamMux clientMux = new StreamMux(null);
    private final EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), clientMux);
    private final EmbeddedChannel publicSide = new EmbeddedChannel();
    private final StreamMux agentMux = new StreamMux(null);
    private final EmbeddedChannel agent = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), agentMux);
    private final AgentSession session = EmbeddedSessions.on(agent, agentMux);
    /** The request phase's decision, which the test makes. */
    private final CompletableFuture<RequestDecision> decision = new CompletableFuture<>();

    @BeforeEach
    void setUp() {
        ClientAddress.set(publicSide, CLIENT, CLIENT);
        PublicHttp2Pipeline.configure(publicSide.pipeline(), edge, PublicConnection.PLAIN);
        edge.serve(new HttpTunnel("t1", "app.burrow.test", "http://app.burrow.test", false, false, session,
                TrafficPolicy.NONE));
        edge.phases(PolicyPhases.NONE.withRequest((request, tunnel, address) -> decision));
        exchange();
        agentWrote();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        publicSide.finishAndReleaseAll();
        agent.finishAndReleaseAll();
    }

    private void exchange() {
        EmbeddedLink.exchange(client, publicSide);
    }

    /** Whether the edge wrote anything to the agent since last asked; what it wrote is dropped. */
    private boolean agentWrote() {
        agent.runPendingTasks();
        boolean wrote = !agent.outboundMessages().isEmpty();
        agent.releaseOutbound();
        return wrote;
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
        assertThat(agentMux.openStreams()).isZero();

        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();
        agent.runPendingTasks();

        assertThat(agentWrote()).isTrue();
        assertThat(agentMux.openStreams()).isEqualTo(1);
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
    void aClientThatLeavesWhileTheRequestPhaseDecidesNeverReachesTheAgent() {
        postHeld(new Recorder());

        publicSide.close();
        decision.complete(RequestDecision.allow());
        publicSide.runPendingTasks();
        agent.runPendingTasks();

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
        agent.runPendingTasks();

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
