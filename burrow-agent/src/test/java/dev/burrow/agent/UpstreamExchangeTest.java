package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import dev.burrow.protocol.Protocol;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tunnel stream relayed to an HTTP/1.1 upstream, through each state of an exchange and each way it can fail: what
 * the edge gets on the stream, what the upstream gets, whether the connection may serve another request, and that
 * every buffer is released. The tunnel connection and the upstream connections are embedded channels; the response
 * timeout runs on the agent connection's clock.
 */
class UpstreamExchangeTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpTunnelOptions TUNNEL = HttpTunnelOptions.to("127.0.0.1:9");

    private final EmbeddedChannel edgeConnection = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edgeConnection, null, null, AgentListener.NONE);
    /** Every upstream connection dialed, in order. */
    private final List<EmbeddedChannel> dialed = new ArrayList<>();
    private final UpstreamPool pool = new UpstreamPool(null, this::dial);
    private final StreamContext context = new StreamContext(null, RESPONSE_TIMEOUT, pool, null, null,
            new UpstreamFailureLog(System::nanoTime));
    private final ExchangeLog log = ExchangeLog.withDefaults();
    private boolean upgrade;
    private boolean inspect;
    private final TunnelPair pair = new TunnelPair(stream -> new Http1UpstreamExchange(context, connection, stream,
            TUNNEL, inspect ? new ExchangeCapture(log, "http://app.burrow.test") : null, upgrade));
    private boolean refuse;
    private boolean connectLater;
    private ChannelPromise pendingConnect;
    private TunnelPair.EdgeStream edge;
    /** How many of the edge stream's frames the test has read. */
    private int read;

    @AfterEach
    void tearDown() {
        pair.close();
        dialed.forEach(EmbeddedChannel::finishAndReleaseAll);
        edgeConnection.finishAndReleaseAll();
    }

    private ChannelFuture dial(UpstreamPool.Key key, ChannelHandler initializer) {
        EmbeddedChannel upstream = new EmbeddedChannel(initializer);
        dialed.add(upstream);
        if (refuse) {
            upstream.close();
            return upstream.newFailedFuture(new ConnectException("Connection refused"));
        }
        if (connectLater) {
            pendingConnect = upstream.newPromise();
            return pendingConnect;
        }
        return upstream.newSucceededFuture();
    }

    private static Http2Headers head(String method) {
        return new DefaultHttp2Headers().method(method).scheme("http").path("/").authority("app.burrow.test");
    }

    private void request(Http2Headers headers, boolean endStream) {
        edge = pair.open(headers, endStream);
        read = 0;
    }

    private void body(String text, boolean endStream) {
        edge.data(text, endStream);
    }

    private void endOfRequest() {
        edge.data("", true);
    }

    private EmbeddedChannel upstream(int index) {
        return dialed.get(index);
    }

    /** What the upstream read from the agent so far, as text. */
    private static String receivedBy(EmbeddedChannel upstream) {
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = upstream.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) msg;
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        return text.toString();
    }

    private void answer(EmbeddedChannel upstream, String text) {
        upstream.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        pair.exchange();
    }

    private void upstreamCloses(EmbeddedChannel upstream) {
        upstream.close();
        pair.exchange();
    }

    /** The edge's next frame from the agent, as {@link TunnelPair.EdgeStream#frames} has it. */
    private String nextFrame() {
        assertThat(edge.frames).as("frames the edge got").hasSizeGreaterThan(read);
        return edge.frames.get(read++);
    }

    /** The answer's head, which must be the edge's next frame. */
    private Http2Headers answerHead() {
        int headersBefore = (int) edge.frames.subList(0, read).stream().filter(f -> f.startsWith("HEADERS")).count();
        assertThat(nextFrame()).startsWith("HEADERS");
        return edge.headers.get(headersBefore);
    }

    /** The answer's body until its end; fails if the stream is not ended cleanly. */
    private String answerBody() {
        StringBuilder text = new StringBuilder();
        while (true) {
            String frame = nextFrame();
            assertThat(frame).startsWith("DATA ");
            boolean end = frame.endsWith(" end");
            text.append(frame, "DATA ".length(), end ? frame.length() - " end".length() : frame.length());
            if (end) {
                return text.toString();
            }
        }
    }

    private UpstreamPool.Key key() {
        return new UpstreamPool.Key(pair.agent.eventLoop(), TUNNEL.upstream(), TUNNEL.verifyUpstreamTls());
    }

    private void assertEveryRequestBufferReleased() {
        dialed.forEach(UpstreamExchangeTest::receivedBy);
        assertThat(pair.agentReleasedAll()).isTrue();
    }

    private void advanceClock(long seconds) {
        pair.agent.advanceTimeBy(seconds, TimeUnit.SECONDS);
        pair.agent.runScheduledPendingTasks();
        pair.exchange();
    }

    @Test
    void answerIsRelayedAndTheConnectionServesTheNextRequest() {
        request(head("GET"), true);

        assertThat(receivedBy(upstream(0))).startsWith("GET / HTTP/1.1\r\n");
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(answerHead().status()).hasToString("200");
        assertThat(answerBody()).isEqualTo("hello");
        assertThat(nextFrame()).as("ended both ways").isEqualTo("closed null");
        assertThat(connection.goAway()).isDone();
        assertThat(pool.poll(key())).as("clean, so back in the pool").isSameAs(upstream(0));
        assertThat(upstream(0).isActive()).isTrue();
    }

    @Test
    void anAnsweredStreamReadsOnToItsEndAndCountsUntilItCloses() {
        request(head("POST"), false);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(answerHead().status()).hasToString("200");
        assertThat(answerBody()).isEqualTo("ok");

        var drained = connection.goAway();
        assertThat(drained).as("the stream counts until it closes").isNotDone();
        body("the rest", true);

        assertThat(nextFrame()).isEqualTo("closed null");
        assertThat(drained).isDone();
        assertEveryRequestBufferReleased();
    }

    @Test
    void bodyThatCameWhileConnectingGoesUpstreamFirstInOrder() {
        connectLater = true;
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);
        body("cd", false);
        assertThat(receivedBy(upstream(0))).isEmpty();

        pendingConnect.setSuccess();
        pair.exchange();
        endOfRequest();

        assertThat(receivedBy(upstream(0))).startsWith("POST / HTTP/1.1\r\n").endsWith("\r\n\r\nabcd");
        answer(upstream(0), "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(answerHead().status()).hasToString("204");
        assertThat(pool.poll(key())).isSameAs(upstream(0));
        assertEveryRequestBufferReleased();
    }

    @Test
    void answerBeforeTheRequestEndedLeavesTheConnectionOutOfThePool() {
        request(head("POST"), false);
        body("partial", false);

        answer(upstream(0), "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
        body("more", true);

        assertThat(answerHead().status()).hasToString("413");
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }

    @Test
    void refusingUpstreamGets502UpstreamUnreachable() {
        refuse = true;
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);

        Http2Headers head = answerHead();
        assertThat(head.status()).hasToString("502");
        assertThat(head.get(Protocol.AGENT_ERROR)).hasToString("upstream_unreachable");
        assertThat(answerBody()).contains("http://127.0.0.1:9", "connection refused");
        body("cd", true);

        assertThat(nextFrame()).as("reads on, to drain the request").isEqualTo("closed null");
        assertEveryRequestBufferReleased();
    }

    @Test
    void silentUpstreamGets504OnceTheWholeRequestWaitedTheResponseTimeout() {
        request(head("POST").setInt("content-length", 2), false);
        advanceClock(RESPONSE_TIMEOUT.toSeconds() * 2);
        assertThat(edge.frames).as("the timeout runs from the request's end").isEmpty();
        body("ab", true);

        advanceClock(RESPONSE_TIMEOUT.toSeconds());

        Http2Headers head = answerHead();
        assertThat(head.status()).hasToString("504");
        assertThat(head.get(Protocol.AGENT_ERROR)).hasToString("upstream_timeout");
        assertThat(answerBody()).contains("did not answer within 30s");
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeWhileConnectingReleasesTheBodyAndDropsTheConnection() {
        connectLater = true;
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);

        edge.reset(Http2Error.CANCEL);
        pendingConnect.setSuccess();

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeMidRequestClosesTheUpstreamConnection() {
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);
        assertThat(receivedBy(upstream(0))).endsWith("ab");

        edge.reset(Http2Error.CANCEL);

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeMidResponseClosesTheUpstreamConnection() {
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(answerHead().status()).hasToString("200");

        edge.reset(Http2Error.CANCEL);

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void upstreamClosingMidResponseResetsTheStream() {
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(answerHead().status()).hasToString("200");
        assertThat(nextFrame()).isEqualTo("DATA hello");

        upstreamCloses(upstream(0));

        assertThat(nextFrame()).as("a reset, never a clean end of a short body").isEqualTo("closed CANCEL");
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void upstreamClosingBeforeAnsweringGets502UpstreamProtocol() {
        request(head("GET"), true);

        upstreamCloses(upstream(0));

        Http2Headers head = answerHead();
        assertThat(head.status()).hasToString("502");
        assertThat(head.get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        assertThat(answerBody()).contains("closed the connection without answering");
        assertThat(pool.poll(key())).isNull();
    }

    @Test
    void answerThatIsNotHttpGets502UpstreamProtocolAndTheConnectionIsDropped() {
        request(head("GET"), true);

        answer(upstream(0), "SSH-2.0-OpenSSH_9.6\r\n\r\n");

        Http2Headers head = answerHead();
        assertThat(head.status()).hasToString("502");
        assertThat(head.get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
    }

    @Test
    void pooledConnectionClosedBeforeAnsweringSendsTheRequestOnceMoreOnAFreshOne() {
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        request(head("GET"), true);
        assertThat(receivedBy(upstream(0))).contains("GET / HTTP/1.1\r\n");

        upstreamCloses(upstream(0));

        assertThat(receivedBy(upstream(1))).startsWith("GET / HTTP/1.1\r\n");
        answer(upstream(1), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(answerHead().status()).hasToString("200");
        assertThat(answerBody()).isEqualTo("ok");
        assertThat(pool.poll(key())).isSameAs(upstream(1));
    }

    @Test
    void upstreamThatCannotTakeMorePausesTheStream() {
        request(head("POST").setInt("content-length", 4), false);
        assertThat(receivedBy(upstream(0))).startsWith("POST / HTTP/1.1\r\n");

        upstream(0).unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        upstream(0).runPendingTasks();
        body("ab", false);
        assertThat(receivedBy(upstream(0))).as("held in the stream while the upstream is full").isEmpty();
        upstream(0).unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        upstream(0).runPendingTasks();
        pair.exchange();

        assertThat(receivedBy(upstream(0))).isEqualTo("ab");
        assertEveryRequestBufferReleased();
    }

    @Test
    void upgradeBecomesABytePipeUntilTheUpstreamCloses() {
        upgrade = true;
        request(head("GET").set(Protocol.UPGRADE, "websocket"), false);
        assertThat(receivedBy(upstream(0))).contains("upgrade: websocket");

        answer(upstream(0), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        Http2Headers switched = answerHead();
        assertThat(switched.get(Protocol.UPGRADED)).hasToString("websocket");
        body("ping", false);
        answer(upstream(0), "pong");

        assertThat(receivedBy(upstream(0))).isEqualTo("ping");
        assertThat(nextFrame()).isEqualTo("DATA pong");
        upstreamCloses(upstream(0));

        assertThat(nextFrame()).as("the upstream's close ends the stream cleanly").isEqualTo("DATA  end");
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }

    @Test
    void theEdgeEndingAnUpgradedStreamClosesTheUpstreamAfterItsLastBytes() {
        upgrade = true;
        request(head("GET").set(Protocol.UPGRADE, "websocket"), false);
        receivedBy(upstream(0));
        answer(upstream(0), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

        body("bye", true);

        assertThat(receivedBy(upstream(0))).isEqualTo("bye");
        assertThat(upstream(0).isActive()).isFalse();
        pair.exchange();
        assertThat(edge.frames).endsWith("DATA  end", "closed null");
        assertEveryRequestBufferReleased();
    }

    @Test
    void aHeaderBlockThatIsNoRequestResetsTheStream() {
        assertNoRequestResetsTheStream(new DefaultHttp2Headers().path("/"), false);
    }

    @Test
    void aFirstHeaderBlockOfTrailersResetsTheStream() {
        assertNoRequestResetsTheStream(new DefaultHttp2Headers().set("grpc-status", "0"), true);
    }

    /** The edge's codec lets no such block through: the exchange is handed one directly. */
    private void assertNoRequestResetsTheStream(Http2Headers notARequest, boolean endStream) {
        AtomicReference<TunnelStream> opened = new AtomicReference<>();
        try (TunnelPair bare = new TunnelPair(stream -> {
            opened.set(stream);
            return TunnelPair.idle();
        })) {
            TunnelPair.EdgeStream edgeSide = bare.open(head("GET"), false);
            Http1UpstreamExchange exchange = new Http1UpstreamExchange(context, connection, opened.get(), TUNNEL,
                    null, false);
            opened.get().handler(exchange);

            exchange.headersRead(opened.get(), notARequest, endStream);
            bare.exchange();

            assertThat(edgeSide.frames).containsExactly("closed CANCEL");
            assertThat(dialed).isEmpty();
            assertThat(connection.goAway()).as("the stream no longer counts").isDone();
        }
    }

    @Test
    void theInspectorRecordsTheRequestAndTheAnswerAsTheStreamCarriedThem() {
        inspect = true;
        request(head("POST").setInt("content-length", 4).set("x-trace", "t1"), false);
        body("ping", true);
        answer(upstream(0), "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\npong");

        ExchangeView seen = log.newestFirst().get(0).view();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.tunnelUrl()).isEqualTo("http://app.burrow.test");
        assertThat(seen.requestHeaders()).contains(Map.entry("x-trace", "t1"));
        assertThat(new String(seen.requestBody().captured(), StandardCharsets.UTF_8)).isEqualTo("ping");
        assertThat(seen.status()).isEqualTo(201);
        assertThat(seen.responseHeaders()).contains(Map.entry("content-type", "text/plain"));
        assertThat(new String(seen.responseBody().captured(), StandardCharsets.UTF_8)).isEqualTo("pong");
        assertThat(seen.state()).isEqualTo(CapturedExchange.State.COMPLETE);
    }

    @Test
    void theInspectorRecordsTheAgentsOwnAnswerAndAResetExchange() {
        inspect = true;
        refuse = true;
        request(head("GET"), true);
        refuse = false;
        request(head("GET"), true);
        answer(upstream(1), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");

        edge.reset(Http2Error.CANCEL);

        List<CapturedExchange> kept = log.newestFirst();
        assertThat(kept.get(1).view().status()).isEqualTo(502);
        assertThat(new String(kept.get(1).view().responseBody().captured(), StandardCharsets.UTF_8))
                .contains("Bad Gateway");
        assertThat(kept.get(1).view().state()).isEqualTo(CapturedExchange.State.COMPLETE);
        assertThat(kept.get(0).view().status()).isEqualTo(200);
        assertThat(kept.get(0).view().state()).isEqualTo(CapturedExchange.State.RESET);
    }
}
