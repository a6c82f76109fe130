package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import dev.burrow.protocol.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tunnel stream relayed to an HTTP/2 upstream: what the edge gets on the stream and what the upstream's server
 * sees, through an answer and each way the exchange can fail. The tunnel connection, the agent's upstream connection
 * and the server are embedded channels joined by copying their bytes; the response timeout runs on the agent
 * connection's clock.
 */
class Http2UpstreamExchangeTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpTunnelOptions TUNNEL = HttpTunnelOptions.to("127.0.0.1:9")
            .withUpstreamProtocol(UpstreamProtocol.H2C);

    private final EmbeddedChannel edgeConnection = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edgeConnection, null, null, AgentListener.NONE);
    private final Http2Upstreams upstreams = new Http2Upstreams(null, this::dial);
    private final StreamContext context = new StreamContext(null, RESPONSE_TIMEOUT, null, upstreams, null,
            new UpstreamFailureLog(System::nanoTime));
    /** What the upstream's server received, one line a frame. */
    private final List<String> atServer = new ArrayList<>();
    private final EmbeddedChannel server = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(),
            new ServerFrames());
    private final ExchangeLog log = ExchangeLog.withDefaults();
    private boolean inspect;
    private final TunnelPair pair = new TunnelPair(stream -> new Http2UpstreamExchange(context, connection, stream,
            TUNNEL, inspect ? new ExchangeCapture(log, "http://app.burrow.test") : null));
    private TunnelPair.EdgeStream edge;
    private EmbeddedChannel agentSide;
    private Http2FrameStream serverStream;
    private boolean refuse;

    @AfterEach
    void tearDown() {
        pair.close();
        if (agentSide != null) {
            agentSide.finishAndReleaseAll();
        }
        server.finishAndReleaseAll();
        edgeConnection.finishAndReleaseAll();
    }

    private ChannelFuture dial(UpstreamPool.Key key, ChannelHandler initializer) {
        agentSide = new EmbeddedChannel(initializer);
        if (refuse) {
            agentSide.close();
            return agentSide.newFailedFuture(new ConnectException("Connection refused"));
        }
        return agentSide.newSucceededFuture();
    }

    /** The upstream's server: records each stream frame it gets. */
    private final class ServerFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                serverStream = headers.stream();
                atServer.add("HEADERS " + headers.headers().method() + " " + headers.headers().authority()
                        + (headers.isEndStream() ? " end" : ""));
            } else if (msg instanceof Http2DataFrame data) {
                atServer.add("DATA " + data.content().toString(StandardCharsets.UTF_8)
                        + (data.isEndStream() ? " end" : ""));
            } else if (msg instanceof Http2ResetFrame reset) {
                atServer.add("RST_STREAM " + Http2Error.valueOf(reset.errorCode()));
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Carries the bytes between the agent's upstream connection and the server, and between the edge and the agent,
     * until none has more to say.
     */
    private void wire() {
        boolean moved;
        do {
            pair.exchange();
            moved = agentSide != null && (copy(agentSide, server) | copy(server, agentSide));
        } while (moved);
    }

    private static boolean copy(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object bytes; (bytes = from.readOutbound()) != null; moved = true) {
            if (to.isOpen()) {
                to.writeInbound(bytes);
            } else {
                ReferenceCountUtil.release(bytes);
            }
        }
        return moved;
    }

    private static Http2Headers head(String method) {
        return new DefaultHttp2Headers().method(method).scheme("http").path("/").authority("app.burrow.test")
                .set(Protocol.TUNNEL_ID, "web");
    }

    private void request(Http2Headers headers, boolean endStream) {
        edge = pair.open(headers, endStream);
    }

    private void body(String text, boolean endStream) {
        edge.data(text, endStream);
    }

    private void serverAnswers(Http2StreamFrame frame) {
        server.writeOutbound(frame.stream(serverStream));
        wire();
    }

    private static Http2DataFrame data(String text, boolean endStream) {
        return new DefaultHttp2DataFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), endStream);
    }

    /** The frames the edge got, one line each, as the server lines are; a reset as the stream's close with its code. */
    private List<String> atEdge() {
        return edge.frames.stream().filter(frame -> !frame.equals("closed null"))
                .map(frame -> frame.startsWith("closed ") ? "RST_STREAM " + frame.substring("closed ".length()) : frame)
                .toList();
    }

    @Test
    void answerIsRelayedFrameByFrame() {
        request(head("POST"), false);
        body("ping", true);
        wire();
        assertThat(atServer).containsExactly("HEADERS POST app.burrow.test", "DATA ping end");

        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        serverAnswers(data("pong", true));

        assertThat(atEdge()).containsExactly("HEADERS 200", "DATA pong end");
        assertThat(edge.frames).as("ended both ways, not reset").endsWith("closed null");
        assertThat(pair.agentReleasedAll()).isTrue();
    }

    @Test
    void refusingUpstreamGets502UpstreamUnreachable() {
        refuse = true;
        request(head("POST"), false);
        body("ping", false);

        assertThat(edge.frames.get(0)).isEqualTo("HEADERS 502");
        assertThat(edge.headers.get(0).get(Protocol.AGENT_ERROR)).hasToString("upstream_unreachable");
        assertThat(edge.frames.get(1)).contains("HTTP/2 upstream", "http://127.0.0.1:9", "connection refused")
                .endsWith(" end");
        body("more", true);

        assertThat(pair.agentReleasedAll()).isTrue();
        assertThat(edge.frames).as("reads on, to drain the request").endsWith("closed null");
    }

    @Test
    void silentUpstreamGets504AndItsStreamIsReset() {
        request(head("GET"), true);
        wire();

        pair.agent.advanceTimeBy(RESPONSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        pair.agent.runScheduledPendingTasks();
        wire();

        assertThat(atEdge()).startsWith("HEADERS 504").last().asString().endsWith(" end");
        assertThat(atServer).containsExactly("HEADERS GET app.burrow.test end", "RST_STREAM CANCEL");
    }

    @Test
    void upstreamResetBeforeAnsweringGets502UpstreamProtocolNamingItsCode() {
        request(head("GET"), true);
        wire();

        serverAnswers(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));

        assertThat(edge.frames.get(0)).isEqualTo("HEADERS 502");
        assertThat(edge.headers.get(0).get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        assertThat(edge.frames.get(1)).contains("reset the stream (REFUSED_STREAM)");
    }

    @Test
    void upstreamResetMidResponseResetsTheStreamWithItsCode() {
        request(head("GET"), true);
        wire();
        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        serverAnswers(data("part", false));

        serverAnswers(new DefaultHttp2ResetFrame(Http2Error.ENHANCE_YOUR_CALM));

        assertThat(atEdge()).containsExactly("HEADERS 200", "DATA part", "RST_STREAM ENHANCE_YOUR_CALM");
    }

    @Test
    void resetByTheEdgeMidRequestGoesOnToTheUpstreamWithItsCode() {
        request(head("POST"), false);
        body("part", false);
        wire();

        edge.reset(Http2Error.INTERNAL_ERROR);
        wire();

        assertThat(atServer).containsExactly("HEADERS POST app.burrow.test", "DATA part",
                "RST_STREAM INTERNAL_ERROR");
        assertThat(pair.agentReleasedAll()).isTrue();
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void resetByTheEdgeMidResponseEndsTheUpstreamStream() {
        request(head("GET"), true);
        wire();
        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));

        edge.reset(Http2Error.CANCEL);
        wire();

        assertThat(atServer).containsExactly("HEADERS GET app.burrow.test end", "RST_STREAM CANCEL");
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void theInspectorRecordsTheFramesBothWaysTrailersEndingTheAnswer() {
        inspect = true;
        request(head("POST").set("te", "trailers"), false);
        body("ping", true);
        wire();

        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .set("content-type", "application/grpc")));
        serverAnswers(data("pong", false));
        ExchangeView midway = log.newestFirst().get(0).view();
        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true));

        assertThat(midway.state()).isEqualTo(CapturedExchange.State.IN_PROGRESS);
        ExchangeView seen = log.newestFirst().get(0).view();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(new String(seen.requestBody().captured(), StandardCharsets.UTF_8)).isEqualTo("ping");
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.responseHeaders()).contains(Map.entry("content-type", "application/grpc"));
        assertThat(new String(seen.responseBody().captured(), StandardCharsets.UTF_8)).isEqualTo("pong");
        assertThat(seen.state()).isEqualTo(CapturedExchange.State.COMPLETE);
    }
}
