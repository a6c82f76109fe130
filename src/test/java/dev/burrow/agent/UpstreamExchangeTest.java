package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.StreamHttpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tunnel stream relayed to an HTTP/1.1 upstream, through each state of an exchange and each way it can fail: what
 * the edge gets on the stream, what the upstream gets, whether the connection may serve another request, and that
 * every buffer is released. The stream, the edge connection and the upstream connections are embedded channels; the
 * response timeout runs on the stream's clock.
 */
class UpstreamExchangeTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpTunnelOptions TUNNEL = HttpTunnelOptions.to("127.0.0.1:9");

    private final EmbeddedChannel edge = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edge, null);
    /** Every upstream connection dialed, in order. */
    private final List<EmbeddedChannel> dialed = new ArrayList<>();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final UpstreamPool pool = new UpstreamPool(null, this::dial);
    private final StreamContext context = new StreamContext(null, RESPONSE_TIMEOUT, pool, null, null);
    private boolean refuse;
    private boolean connectLater;
    private ChannelPromise pendingConnect;
    private EmbeddedChannel stream;
    private StreamEnd streamEnd;

    @AfterEach
    void tearDown() {
        stream.finishAndReleaseAll();
        dialed.forEach(EmbeddedChannel::finishAndReleaseAll);
        edge.finishAndReleaseAll();
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

    private void open(boolean upgrade) {
        streamEnd = new StreamEnd();
        stream = new EmbeddedChannel(streamEnd, new StreamHttpCodec(true),
                new Http1UpstreamExchange(context, connection, TUNNEL, upgrade));
    }

    private void open() {
        open(false);
    }

    private static Http2Headers head(String method) {
        return new DefaultHttp2Headers().method(method).scheme("http").path("/").authority("app.burrow.test");
    }

    private void request(Http2Headers headers, boolean endStream) {
        stream.writeInbound(new DefaultHttp2HeadersFrame(headers, endStream));
    }

    private ByteBuf body(String text, boolean endStream) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        sent.add(bytes);
        stream.writeInbound(new DefaultHttp2DataFrame(bytes, endStream));
        return bytes;
    }

    private void endOfRequest() {
        stream.writeInbound(new DefaultHttp2DataFrame(true));
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

    private static void answer(EmbeddedChannel upstream, String text) {
        upstream.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private Http2HeadersFrame answerHead() {
        Object frame = stream.readOutbound();
        assertThat(frame).isInstanceOf(Http2HeadersFrame.class);
        return (Http2HeadersFrame) frame;
    }

    /** The answer's body until its end; fails if the stream is not ended cleanly. */
    private String answerBody() {
        StringBuilder text = new StringBuilder();
        while (true) {
            Object frame = stream.readOutbound();
            assertThat(frame).isInstanceOf(Http2DataFrame.class);
            Http2DataFrame data = (Http2DataFrame) frame;
            text.append(data.content().toString(StandardCharsets.UTF_8));
            data.release();
            if (data.isEndStream()) {
                return text.toString();
            }
        }
    }

    private UpstreamPool.Key key() {
        return new UpstreamPool.Key(stream.eventLoop(), TUNNEL.upstream(), TUNNEL.verifyUpstreamTls());
    }

    private void assertEveryRequestBufferReleased() {
        dialed.forEach(UpstreamExchangeTest::receivedBy);
        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
    }

    /** The edge ends the stream with RST_STREAM: the stream channel hears the reset, then closes. */
    private void edgeResets() {
        stream.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        stream.close();
    }

    @Test
    void answerIsRelayedAndTheConnectionServesTheNextRequest() {
        open();
        request(head("GET"), true);

        assertThat(receivedBy(upstream(0))).startsWith("GET / HTTP/1.1\r\n");
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(answerHead().headers().status()).hasToString("200");
        assertThat(answerBody()).isEqualTo("hello");
        assertThat(stream.config().isAutoRead()).as("reads on, to see the stream's end").isTrue();
        var drained = connection.goAway();
        assertThat(drained).as("the stream counts until it closes").isNotDone();
        stream.close();
        assertThat(drained).isDone();
        assertThat(pool.poll(key())).as("clean, so back in the pool").isSameAs(upstream(0));
        assertThat(upstream(0).isActive()).isTrue();
    }

    @Test
    void bodyThatCameWhileConnectingGoesUpstreamFirstInOrder() {
        connectLater = true;
        open();
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);
        body("cd", false);
        assertThat(receivedBy(upstream(0))).isEmpty();

        pendingConnect.setSuccess();
        endOfRequest();

        assertThat(receivedBy(upstream(0))).startsWith("POST / HTTP/1.1\r\n").endsWith("\r\n\r\nabcd");
        answer(upstream(0), "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(answerHead().headers().status()).hasToString("204");
        assertThat(pool.poll(key())).isSameAs(upstream(0));
        assertEveryRequestBufferReleased();
    }

    @Test
    void answerBeforeTheRequestEndedLeavesTheConnectionOutOfThePool() {
        open();
        request(head("POST").setInt("content-length", 100), false);
        body("partial", false);

        answer(upstream(0), "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
        ByteBuf late = body("more", true);

        assertThat(answerHead().headers().status()).hasToString("413");
        assertThat(late.refCnt()).as("the rest of the request has nowhere to go").isZero();
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }

    @Test
    void refusingUpstreamGets502UpstreamUnreachable() {
        refuse = true;
        open();
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);

        Http2HeadersFrame head = answerHead();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_unreachable");
        assertThat(answerBody()).contains("http://127.0.0.1:9", "connection refused");
        ByteBuf late = body("cd", true);

        assertThat(late.refCnt()).isZero();
        assertThat(stream.config().isAutoRead()).as("reads on, to drain the request").isTrue();
        assertEveryRequestBufferReleased();
    }

    @Test
    void silentUpstreamGets504OnceTheWholeRequestWaitedTheResponseTimeout() {
        open();
        request(head("POST").setInt("content-length", 2), false);
        stream.advanceTimeBy(RESPONSE_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        stream.runScheduledPendingTasks();
        assertThat((Object) stream.readOutbound()).as("the timeout runs from the request's end").isNull();
        body("ab", true);

        stream.advanceTimeBy(RESPONSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        stream.runScheduledPendingTasks();

        Http2HeadersFrame head = answerHead();
        assertThat(head.headers().status()).hasToString("504");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_timeout");
        assertThat(answerBody()).contains("did not answer within 30s");
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeWhileConnectingReleasesTheBodyAndDropsTheConnection() {
        connectLater = true;
        open();
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);

        edgeResets();
        pendingConnect.setSuccess();

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeMidRequestClosesTheUpstreamConnection() {
        open();
        request(head("POST").setInt("content-length", 4), false);
        body("ab", false);
        assertThat(receivedBy(upstream(0))).endsWith("ab");

        edgeResets();

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
        assertEveryRequestBufferReleased();
    }

    @Test
    void resetByTheEdgeMidResponseClosesTheUpstreamConnection() {
        open();
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(answerHead().headers().status()).hasToString("200");

        edgeResets();

        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void upstreamClosingMidResponseResetsTheStream() {
        open();
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(answerHead().headers().status()).hasToString("200");
        Http2DataFrame first = stream.readOutbound();
        assertThat(first.isEndStream()).isFalse();
        first.release();

        upstream(0).close();

        assertThat(streamEnd.reset()).as("a reset, never a clean end of a short body").isEqualTo(Http2Error.CANCEL);
        assertThat(pool.poll(key())).isNull();
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void upstreamClosingBeforeAnsweringGets502UpstreamProtocol() {
        open();
        request(head("GET"), true);

        upstream(0).close();

        Http2HeadersFrame head = answerHead();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        assertThat(answerBody()).contains("closed the connection without answering");
        assertThat(pool.poll(key())).isNull();
    }

    @Test
    void answerThatIsNotHttpGets502UpstreamProtocolAndTheConnectionIsDropped() {
        open();
        request(head("GET"), true);

        answer(upstream(0), "SSH-2.0-OpenSSH_9.6\r\n\r\n");

        Http2HeadersFrame head = answerHead();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        assertThat(upstream(0).isActive()).isFalse();
        assertThat(pool.poll(key())).isNull();
    }

    @Test
    void pooledConnectionClosedBeforeAnsweringSendsTheRequestOnceMoreOnAFreshOne() {
        open();
        request(head("GET"), true);
        answer(upstream(0), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        stream.finishAndReleaseAll();
        open();
        request(head("GET"), true);
        assertThat(receivedBy(upstream(0))).contains("GET / HTTP/1.1\r\n");

        upstream(0).close();

        assertThat(receivedBy(upstream(1))).startsWith("GET / HTTP/1.1\r\n");
        answer(upstream(1), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(answerHead().headers().status()).hasToString("200");
        assertThat(answerBody()).isEqualTo("ok");
        assertThat(pool.poll(key())).isSameAs(upstream(1));
    }

    @Test
    void upstreamThatCannotTakeMorePausesTheStream() {
        open();
        request(head("POST").setInt("content-length", 4), false);

        upstream(0).unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        upstream(0).runPendingTasks();
        assertThat(stream.config().isAutoRead()).isFalse();
        upstream(0).unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        upstream(0).runPendingTasks();

        assertThat(stream.config().isAutoRead()).isTrue();
    }

    @Test
    void upgradeBecomesABytePipeUntilTheUpstreamCloses() {
        open(true);
        request(head("GET").set(Protocol.UPGRADE, "websocket"), false);
        assertThat(receivedBy(upstream(0))).contains("upgrade: websocket");

        answer(upstream(0), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        Http2HeadersFrame switched = answerHead();
        assertThat(switched.headers().get(Protocol.UPGRADED)).hasToString("websocket");
        body("ping", false);
        answer(upstream(0), "pong");

        assertThat(receivedBy(upstream(0))).isEqualTo("ping");
        Http2DataFrame pong = stream.readOutbound();
        assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("pong");
        pong.release();
        upstream(0).close();

        Http2DataFrame end = stream.readOutbound();
        assertThat(end.isEndStream()).as("the upstream's close ends the stream cleanly").isTrue();
        end.release();
        assertThat(pool.poll(key())).isNull();
        assertEveryRequestBufferReleased();
    }
}
