package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A peer on the agent port that breaks Burrow's protocol: at the HTTP/2 level the edge ends its session with the
 * GOAWAY code that names the fault, or resets only the stream where RFC 9113 makes it a stream error; a hello
 * without a token is refused. Either way the edge logs one line saying why a session ended.
 */
class AgentPortProtocolTest {
    /** Streams a misbehaving agent may open before the edge must have ended its session. */
    private static final int MOST_STREAMS = 300;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    final ListAppender<ILoggingEvent> edgeLog = new ListAppender<>();

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir);
        edgeLog.start();
        ((Logger) LoggerFactory.getLogger("dev.burrow.edge")).addAppender(edgeLog);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger("dev.burrow.edge")).detachAppender(edgeLog);
        harness.close();
    }

    @Test
    void anAuthenticatedAgentThatOpensStreamsGetsGoAwayProtocolError() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            RawHttp2.Frame goAway = openStreamsUntilGoAway(agent.h2);

            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.PROTOCOL_ERROR);
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        String ended = awaitSessionEnd();
        assertThat(ended).contains("reason=protocol_error", "goaway=PROTOCOL_ERROR", "token=test-agent",
                "remote=/127.0.0.1:");
    }

    @Test
    void aPeerThatOpensStreamsBeforeAuthenticatingGetsGoAwayProtocolError() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            RawHttp2.Frame goAway = openStreamsUntilGoAway(agent.h2);

            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.PROTOCOL_ERROR);
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        assertThat(awaitSessionEnd()).contains("reason=protocol_error", "goaway=PROTOCOL_ERROR")
                .doesNotContain("token=");
    }

    @Test
    void emptyDataFramesWithoutEndAreAFloodAnsweredWithEnhanceYourCalm() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            for (int i = 0; i < 3; i++) {
                agent.h2.data(agent.control, new byte[0], false);
            }

            RawHttp2.Frame goAway = agent.h2.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        assertThat(awaitSessionEnd()).contains("reason=flood", "goaway=ENHANCE_YOUR_CALM", "token=test-agent");
    }

    @Test
    void aDrainedSessionEndsWithGoAwayNoError() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> harness.edge.drain(Duration.ZERO));

            assertThat(agent.awaitControlLine()).contains("\"type\":\"drain\"");
            RawHttp2.Frame goAway = agent.h2.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.NO_ERROR);
            drained.get();
        }
        assertThat(awaitSessionEnd()).contains("reason=edge_draining", "token=test-agent").doesNotContain("goaway=");
    }

    @Test
    void dataOnAStreamThatEndedIsAStreamErrorAndTheSessionServesOn() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");
            assertThat(agent.bindHttp(1, "app")).contains("\"type\":\"bound\"");
            CompletableFuture<HttpResponse<String>> first = get("/first");
            int ended = answer(agent, "one");
            assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("one");

            agent.h2.data(ended, "late".getBytes(StandardCharsets.US_ASCII), true);

            // RFC 9113 section 5.1: a frame on a closed stream is a stream error STREAM_CLOSED, not a connection error.
            RawHttp2.Frame reset = agent.h2.await(f -> f.type() == RawHttp2.GOAWAY
                    || f.type() == RawHttp2.RST_STREAM && f.streamId() == ended);
            assertThat(reset.type()).isEqualTo(RawHttp2.RST_STREAM);
            assertThat(Http2Error.valueOf(reset.errorCode())).isEqualTo(Http2Error.STREAM_CLOSED);
            CompletableFuture<HttpResponse<String>> second = get("/second");
            answer(agent, "two");
            assertThat(second.get(10, TimeUnit.SECONDS).body()).isEqualTo("two");
        }
    }

    @Test
    void dataOnAStreamTheEdgeNeverOpenedGetsGoAwayProtocolError() throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");

            // An odd id is the edge's to open; this one it has not (RFC 9113 section 5.1: idle).
            agent.h2.data(1001, "stray".getBytes(StandardCharsets.US_ASCII), false);

            RawHttp2.Frame goAway = agent.h2.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.PROTOCOL_ERROR);
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        assertThat(awaitSessionEnd()).contains("reason=protocol_error", "goaway=PROTOCOL_ERROR", "token=test-agent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"hello\",\"version\":1,\"authtoken\":\"\",\"client\":\"fake-agent\"}",
            "{\"type\":\"hello\",\"version\":1,\"client\":\"fake-agent\"}"})
    void aHelloWithoutATokenIsRefusedAndTheRefusalLogged(String hello) throws Exception {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            agent.send(hello);

            assertThat(agent.awaitControlLine()).contains("\"type\":\"error\"", "\"auth_failed\"");
            assertThat(agent.h2.closedByEdge()).isTrue();
        }
        assertThat(awaitSessionEnd()).startsWith("WARN ").contains("reason=refused", "auth_failed")
                .doesNotContain("token=");
        assertThat(harness.edge.tunnels()).isEmpty();
    }

    /** A GET of {@code path} from a public client to the tunnel the fake agent bound. */
    private CompletableFuture<HttpResponse<String>> get(String path) {
        return harness.client.sendAsync(harness.request("app.burrow.test", path).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Answers the edge's next request stream with {@code body}, complete; returns the stream. */
    private static int answer(FakeAgent agent, String body) throws Exception {
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();
        agent.h2.headers(stream, new DefaultHttp2Headers().status("200")
                .set("content-length", Integer.toString(body.length())), false);
        agent.h2.data(stream, body.getBytes(StandardCharsets.US_ASCII), true);
        return stream;
    }

    /**
     * Opens streams the way an HTTP/2 server would (even ids), one at a time, reading what the edge answers to each,
     * until the edge says GOAWAY; fails if it has not after {@link #MOST_STREAMS}.
     */
    private static RawHttp2.Frame openStreamsUntilGoAway(RawHttp2 h2) throws Exception {
        Http2Headers request = new DefaultHttp2Headers().method("GET").scheme("https").authority("edge-1").path("/");
        for (int i = 1; i <= MOST_STREAMS; i++) {
            int streamId = 2 * i;
            h2.headers(streamId, request, true);
            RawHttp2.Frame answer = h2.await(f -> f.type() == RawHttp2.GOAWAY
                    || f.type() == RawHttp2.RST_STREAM && f.streamId() == streamId);
            if (answer.type() == RawHttp2.GOAWAY) {
                return answer;
            }
        }
        throw new AssertionError("the edge refused " + MOST_STREAMS + " streams the agent opened, one by one, "
                + "and never ended the session");
    }

    /** The edge's line saying why the session ended, with its fields. */
    private String awaitSessionEnd() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> lines = List.copyOf(edgeLog.list).stream()
                    .filter(event -> event.getFormattedMessage().equals("agent session ended"))
                    .map(AgentPortProtocolTest::line).toList();
            assertThat(lines).hasSizeLessThanOrEqualTo(1);
            return lines.isEmpty() ? null : lines.get(0);
        }, line -> line != null);
    }

    private static String line(ILoggingEvent event) {
        String fields = event.getKeyValuePairs() == null ? "" : event.getKeyValuePairs().stream()
                .map(pair -> pair.key + "=" + pair.value).collect(Collectors.joining(" "));
        return event.getLevel() + " " + event.getFormattedMessage() + " " + fields;
    }
}
