package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.http.EmbeddedAgentConnection.Frame;
import dev.burrow.edge.http.PublicHttpExchange.Failure;
import dev.burrow.edge.http.PublicHttpExchange.State;
import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One HTTP/1.1 exchange's states and failures, on real HTTP/2 stream channels of an in-memory agent connection: the
 * test plays the connection that owns the exchange (recording what it is told) and the agent (writing its frames).
 */
class PublicHttpExchangeTest {
    private final StubHttpEdge edge = new StubHttpEdge();
    private final EmbeddedAgentConnection agent = new EmbeddedAgentConnection();
    private final RequestBodyTimeout bodyTimeout = new RequestBodyTimeout(Duration.ofSeconds(30), 0);
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final Owner owner = new Owner();
    private ChannelHandlerContext clientContext;

    /** What the exchange told its connection; as a connection does, it flushes the stream when asked for more. */
    private static final class Owner implements PublicHttpExchange.Owner {
        PublicHttpExchange exchange;
        int demands;
        boolean switched;
        Boolean keepAlive;
        Boolean requestWhole;
        FullHttpResponse page;
        boolean cut;

        @Override
        public void requestDemand() {
            demands++;
            exchange.flushStream();
        }

        @Override
        public void switchedProtocols() {
            switched = true;
        }

        @Override
        public void exchangeDone(boolean keepAlive, boolean requestWhole) {
            this.keepAlive = keepAlive;
            this.requestWhole = requestWhole;
        }

        @Override
        public void exchangeFailed(FullHttpResponse page) {
            this.page = page;
            cut = page == null;
        }
    }

    @BeforeEach
    void setUp() {
        client.pipeline().addLast("body-timeout", bodyTimeout).addLast("relay", new ChannelInboundHandlerAdapter());
        clientContext = client.pipeline().context("relay");
    }

    @AfterEach
    void tearDown() {
        // Closing the agent connection fails an exchange still open, which may make its page only then.
        agent.close();
        ReferenceCountUtil.release(owner.page);
        client.finishAndReleaseAll();
    }

    private static HttpRequest request(HttpMethod method, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/path");
        request.headers().set("host", "app.burrow.test");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private PublicHttpExchange open(HttpRequest request, AgentStreams streams) {
        return open(request, streams, PublicConnection.PLAIN);
    }

    private PublicHttpExchange open(HttpRequest request, AgentStreams streams, PublicConnection connection) {
        return open(request, streams, connection, response -> null);
    }

    private PublicHttpExchange open(HttpRequest request, AgentStreams streams, PublicConnection connection,
                                    ResponseShaping shaping) {
        PublicHttpExchange exchange = new PublicHttpExchange(owner, clientContext, RequestTraits.of(request),
                bodyTimeout, edge, streams, shaping);
        owner.exchange = exchange;
        exchange.open(request, connection);
        agent.channel.runPendingTasks();
        return exchange;
    }

    /** The id of the stream the request opened, from its HEADERS. */
    private Frame requestHeaders() {
        List<Frame> sent = agent.sent();
        assertThat(sent).isNotEmpty();
        assertThat(sent.get(0).type()).isEqualTo(EmbeddedAgentConnection.HEADERS);
        return sent.get(0);
    }

    private static Http2Headers status(String status, String... headers) {
        Http2Headers out = new DefaultHttp2Headers().status(status);
        for (int i = 0; i < headers.length; i += 2) {
            out.add(headers[i], headers[i + 1]);
        }
        return out;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** What the client was sent, in order; buffers released after their text is read. */
    private List<Object> toClient() {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = client.readOutbound()) != null) {
            if (msg instanceof HttpContent content) {
                out.add(content.content().toString(StandardCharsets.ISO_8859_1));
                if (msg instanceof HttpResponse response) {
                    out.add(0, response);
                }
            } else if (msg instanceof ByteBuf buf) {
                out.add(buf.toString(StandardCharsets.ISO_8859_1));
            } else {
                out.add(msg);
            }
            ReferenceCountUtil.release(msg);
        }
        return out;
    }

    private boolean resetSent(int streamId) {
        return agent.sent().stream().anyMatch(f -> f.type() == EmbeddedAgentConnection.RST_STREAM
                && f.streamId() == streamId);
    }

    @Test
    void aBodilessRequestIsOneHeadersFrameAndItsAnswerGoesToTheClient() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams());

        assertThat(exchange.state()).isEqualTo(State.SENDING);
        assertThat(owner.demands).isEqualTo(1);
        assertThat(edge.inFlight()).isEqualTo(1);
        Frame headers = requestHeaders();
        assertThat(headers.endStream()).isTrue();
        assertThat(headers.headers().path()).hasToString("/path");
        assertThat(headers.headers().scheme()).as("the public request's, not the agent connection's")
                .hasToString("http");

        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(exchange.state()).isEqualTo(State.AWAITING_RESPONSE);

        agent.headers(headers.streamId(), status("200", "content-length", "5", "burrow-tunnel", "x"), false);
        assertThat(exchange.state()).isEqualTo(State.RESPONDING);
        agent.data(headers.streamId(), "hello", true);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.keepAlive).isTrue();
        assertThat(owner.requestWhole).isTrue();
        assertThat(edge.inFlight()).isZero();
        List<Object> sent = toClient();
        HttpResponse head = (HttpResponse) sent.get(0);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("content-length")).isEqualTo("5");
        assertThat(head.headers().contains(Protocol.TUNNEL_ID)).as("protocol fields stripped").isFalse();
        assertThat(sent).contains("hello");
    }

    @Test
    void aBodyTheResponsePhaseHasCompressedGoesChunkedWithItsCodingEachPartAsItCame() throws IOException {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams(), PublicConnection.PLAIN,
                response -> ContentCoding.GZIP);
        int stream = requestHeaders().streamId();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);

        agent.headers(stream, status("200", "content-length", "11", "etag", "\"v1\""), false);
        agent.data(stream, "hello ", false);
        HttpResponse head = (HttpResponse) client.readOutbound();
        HttpContent part = client.readOutbound();
        byte[] first = ByteBufUtil.getBytes(part.content());
        part.release();
        agent.data(stream, "world", true);
        HttpContent last = client.readOutbound();
        byte[] rest = ByteBufUtil.getBytes(last.content());
        last.release();

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.keepAlive).isTrue();
        assertThat(head.headers().get("content-encoding")).isEqualTo("gzip");
        assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(head.headers().contains("content-length")).isFalse();
        assertThat(head.headers().get("etag")).isEqualTo("W/\"v1\"");
        assertThat(first).as("the first part is sent before the second comes").isNotEmpty();
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat((Object) client.readOutbound()).isNull();
        try (GZIPInputStream in = new GZIPInputStream(new SequenceInputStream(new ByteArrayInputStream(first),
                new ByteArrayInputStream(rest)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        }
    }

    @Test
    void aBodyGoesToTheStreamAndTheExchangeAwaitsTheAnswerOnceItEnded() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "content-length", "4"), agent.streams());
        Frame headers = requestHeaders();
        assertThat(headers.endStream()).isFalse();
        assertThat(exchange.canTakeRequest()).isTrue();

        LastHttpContent body = new DefaultLastHttpContent(bytes("body"));
        exchange.fromClient(body);

        assertThat(exchange.state()).isEqualTo(State.AWAITING_RESPONSE);
        assertThat(exchange.canTakeRequest()).as("a pipelined request waits").isFalse();
        List<Frame> data = agent.sent();
        assertThat(body.refCnt()).as("written, so released by the stream").isZero();
        assertThat(data).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(EmbeddedAgentConnection.DATA);
            assertThat(f.text()).isEqualTo("body");
            assertThat(f.endStream()).isTrue();
        });

        agent.headers(headers.streamId(), status("204"), true);
        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.requestWhole).isTrue();
    }

    @Test
    void anAnswerBeforeTheWholeBodyIsDuplexAndItsEndResetsTheStreamForTheRestToBeDropped() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "transfer-encoding", "chunked"),
                agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(new DefaultHttpContent(bytes("part")));

        agent.headers(stream, status("413", "content-length", "2"), false);
        assertThat(exchange.state()).isEqualTo(State.DUPLEX);
        assertThat(exchange.canTakeRequest()).as("the body still goes while the answer does").isTrue();
        agent.data(stream, "no", true);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.requestWhole).isFalse();
        assertThat(resetSent(stream)).isTrue();
        HttpContent late = new DefaultHttpContent(bytes("more"));
        exchange.fromClient(late);
        assertThat(late.refCnt()).isZero();
        assertThat(toClient()).contains("no");
    }

    @Test
    void aConfirmedUpgradeSwitchesTheClientThenCarriesBytesUntilTheAgentEnds() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET, "connection", "Upgrade", "upgrade", "websocket"),
                agent.streams());
        Frame headers = requestHeaders();
        assertThat(headers.endStream()).as("the stream stays open for the bytes after the switch").isFalse();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);

        agent.headers(headers.streamId(), status("200", "burrow-upgraded", "websocket"), false);
        assertThat(exchange.state()).isEqualTo(State.UPGRADED);
        assertThat(owner.switched).isTrue();
        HttpResponse switched = (HttpResponse) toClient().get(0);
        assertThat(switched.status().code()).isEqualTo(101);
        assertThat(switched.headers().get("upgrade")).isEqualTo("websocket");

        exchange.fromClient(bytes("ping"));
        exchange.flushStream();
        assertThat(agent.sent()).singleElement().satisfies(f -> assertThat(f.text()).isEqualTo("ping"));
        agent.data(headers.streamId(), "pong", false);
        assertThat(toClient()).containsExactly("pong");

        agent.data(headers.streamId(), "", true);
        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.keepAlive).isFalse();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aStreamThatCannotOpenAnswers502() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.refusing());

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.page.status().code()).isEqualTo(502);
        assertThat(owner.page.headers().get(Protocol.AGENT_ERROR)).isEqualTo("agent_unreachable");
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aStreamResetBeforeTheAnswerAnswers502AndDropsTheRestOfTheBody() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "content-length", "8"), agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(new DefaultHttpContent(bytes("half")));

        agent.reset(stream, Http2Error.INTERNAL_ERROR);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.page.status().code()).isEqualTo(502);
        assertThat(owner.page.headers().get(Protocol.AGENT_ERROR)).isEqualTo("agent_stream_reset");
        assertThat(edge.inFlight()).isZero();
        LastHttpContent rest = new DefaultLastHttpContent(bytes("rest"));
        exchange.fromClient(rest);
        assertThat(rest.refCnt()).isZero();
    }

    @Test
    void aStreamResetMidAnswerCutsTheClient() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);
        agent.headers(stream, status("200"), false);
        agent.data(stream, "part", false);

        agent.reset(stream, Http2Error.CANCEL);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.cut).as("a partial body must not pass for a whole one").isTrue();
        assertThat(edge.inFlight()).isZero();
        assertThat(toClient()).contains("part");
    }

    @Test
    void aClientGoneMidBodyResetsTheStream() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "content-length", "8"), agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(new DefaultHttpContent(bytes("half")));
        exchange.flushStream();
        agent.sent();

        exchange.fail(Failure.CLIENT_GONE);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.cut).isTrue();
        assertThat(resetSent(stream)).isTrue();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aBrokenChunkAnswers400AndResetsTheStream() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "transfer-encoding", "chunked"),
                agent.streams());
        int stream = requestHeaders().streamId();
        HttpContent broken = new DefaultLastHttpContent(bytes("zz"));
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk size")));

        exchange.fromClient(broken);

        assertThat(broken.refCnt()).isZero();
        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.page.status().code()).isEqualTo(400);
        assertThat(owner.page.headers().get(Protocol.AGENT_ERROR)).isEqualTo("bad_framing");
        assertThat(resetSent(stream)).as("the upstream never takes a cut body for a whole one").isTrue();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aBrokenChunkAfterTheAnswerBeganCutsTheClient() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "transfer-encoding", "chunked"),
                agent.streams());
        int stream = requestHeaders().streamId();
        agent.headers(stream, status("200"), false);
        HttpContent broken = new DefaultLastHttpContent(bytes("zz"));
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk size")));

        exchange.fromClient(broken);

        assertThat(broken.refCnt()).isZero();
        assertThat(owner.cut).isTrue();
        assertThat(resetSent(stream)).isTrue();
    }

    @Test
    void aBodyTooSlowAnswers408() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "content-length", "8"), agent.streams());
        int stream = requestHeaders().streamId();

        exchange.fail(Failure.BODY_TIMEOUT);

        assertThat(owner.page.status().code()).isEqualTo(408);
        assertThat(resetSent(stream)).isTrue();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void interimAnswersAreNotRelayed() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);

        agent.headers(stream, status("103", "link", "</a.css>"), false);
        assertThat(exchange.state()).isEqualTo(State.AWAITING_RESPONSE);
        agent.headers(stream, status("200", "content-length", "0"), true);

        List<Object> sent = toClient();
        assertThat(((HttpResponse) sent.get(0)).status().code()).isEqualTo(200);
        assertThat(sent).noneMatch(m -> m instanceof HttpResponse r && r.status().code() == 103);
    }

    @Test
    void aRequestOverTlsSaysHttpsAndItsTrailersSayNoScheme() {
        PublicHttpExchange exchange = open(request(HttpMethod.POST, "transfer-encoding", "chunked"),
                agent.streams(), PublicConnection.tls("app.burrow.test", null));
        Frame headers = requestHeaders();
        assertThat(headers.headers().scheme()).hasToString("https");

        LastHttpContent last = new DefaultLastHttpContent(bytes("body"));
        last.trailingHeaders().set("x-sum", "4");
        exchange.fromClient(last);

        List<Frame> sent = agent.sent();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).type()).isEqualTo(EmbeddedAgentConnection.HEADERS);
        assertThat(sent.get(1).endStream()).isTrue();
        assertThat(sent.get(1).headers().get("x-sum")).hasToString("4");
        assertThat(sent.get(1).headers().scheme()).isNull();
    }

    @Test
    void anInvalidStatusAnswers502BadResponseResetsTheStreamAndReleasesWhatFollows() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams());
        int stream = requestHeaders().streamId();

        agent.headers(stream, status("2000"), false);
        agent.data(stream, "dropped", true);

        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.page.status().code()).isEqualTo(502);
        assertThat(owner.page.headers().get(Protocol.AGENT_ERROR)).isEqualTo("agent_bad_response");
        assertThat(agent.sent()).anySatisfy(f -> {
            assertThat(f.type()).isEqualTo(EmbeddedAgentConnection.RST_STREAM);
            assertThat(f.payload()[3]).isEqualTo((byte) Http2Error.PROTOCOL_ERROR.code());
        });
        assertThat(toClient()).isEmpty();
        assertThat(edge.inFlight()).isZero();
    }

    @Test
    void aSlowClientPausesTheStreamWhoseFramesWaitUntilItCanTakeThemAgain() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET), agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);
        agent.headers(stream, status("200", "content-length", "4"), false);
        toClient();

        exchange.clientWritabilityChanged(false);
        agent.channel.runPendingTasks();
        agent.data(stream, "held", true);
        assertThat(toClient()).isEmpty();
        assertThat(exchange.state()).isEqualTo(State.RESPONDING);

        exchange.clientWritabilityChanged(true);
        agent.channel.runPendingTasks();

        assertThat(toClient()).containsExactly("held");
        assertThat(exchange.state()).isEqualTo(State.DONE);
    }

    @Test
    void anUpgradedStreamEndsWithItsTrailersToo() {
        PublicHttpExchange exchange = open(request(HttpMethod.GET, "connection", "Upgrade", "upgrade", "websocket"),
                agent.streams());
        int stream = requestHeaders().streamId();
        exchange.fromClient(LastHttpContent.EMPTY_LAST_CONTENT);
        agent.headers(stream, status("200", "burrow-upgraded", "websocket"), false);
        toClient();

        agent.data(stream, "bytes", false);
        agent.headers(stream, new DefaultHttp2Headers().set("x-end", "1"), true);

        assertThat(toClient()).containsExactly("bytes");
        assertThat(exchange.state()).isEqualTo(State.DONE);
        assertThat(owner.keepAlive).isFalse();
    }
}
