package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBuf;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tunnel stream relayed to an HTTP/2 upstream: what the edge gets on the stream and what the upstream's server
 * sees, through an answer and each way the exchange can fail. The agent's upstream connection and the server are
 * embedded channels joined by copying their bytes; the response timeout runs on the stream's clock.
 */
class Http2UpstreamExchangeTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpTunnelOptions TUNNEL = HttpTunnelOptions.to("127.0.0.1:9")
            .withUpstreamProtocol(UpstreamProtocol.H2C);

    private final EmbeddedChannel edge = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edge, null);
    private final Http2Upstreams upstreams = new Http2Upstreams(null, this::dial);
    private final StreamContext context = new StreamContext(null, RESPONSE_TIMEOUT, null, upstreams, null);
    /** What the upstream's server received, one line a frame. */
    private final List<String> atServer = new ArrayList<>();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final EmbeddedChannel server = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(),
            new ServerFrames());
    private final StreamEnd streamEnd = new StreamEnd();
    private final EmbeddedChannel stream = new EmbeddedChannel(streamEnd,
            new Http2UpstreamExchange(context, connection, TUNNEL));
    private EmbeddedChannel agentSide;
    private Http2FrameStream serverStream;
    private boolean refuse;

    @AfterEach
    void tearDown() {
        stream.finishAndReleaseAll();
        if (agentSide != null) {
            agentSide.finishAndReleaseAll();
        }
        server.finishAndReleaseAll();
        edge.finishAndReleaseAll();
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

    /** Carries the bytes between the agent's upstream connection and the server until neither has more to say. */
    private void wire() {
        boolean moved;
        do {
            moved = copy(agentSide, server) | copy(server, agentSide);
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
        stream.writeInbound(new DefaultHttp2HeadersFrame(headers, endStream));
    }

    private void body(String text, boolean endStream) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        sent.add(bytes);
        stream.writeInbound(new DefaultHttp2DataFrame(bytes, endStream));
    }

    private void serverAnswers(Http2StreamFrame frame) {
        server.writeOutbound(frame.stream(serverStream));
        wire();
    }

    private static Http2DataFrame data(String text, boolean endStream) {
        return new DefaultHttp2DataFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), endStream);
    }

    /** The frames the edge got, one line each, as the server lines are. */
    private List<String> atEdge() {
        List<String> lines = new ArrayList<>();
        for (Object frame; (frame = stream.readOutbound()) != null; ) {
            if (frame instanceof Http2HeadersFrame headers) {
                lines.add("HEADERS " + headers.headers().status() + (headers.isEndStream() ? " end" : ""));
            } else if (frame instanceof Http2DataFrame data) {
                lines.add("DATA " + data.content().toString(StandardCharsets.UTF_8)
                        + (data.isEndStream() ? " end" : ""));
            } else if (frame instanceof Http2ResetFrame reset) {
                lines.add("RST_STREAM " + Http2Error.valueOf(reset.errorCode()));
            }
            ReferenceCountUtil.release(frame);
        }
        return lines;
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
        assertThat(streamEnd.reset()).isNull();
        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
    }

    @Test
    void refusingUpstreamGets502UpstreamUnreachable() {
        refuse = true;
        request(head("POST"), false);
        body("ping", false);

        Http2HeadersFrame head = stream.readOutbound();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_unreachable");
        Http2DataFrame page = stream.readOutbound();
        String text = page.content().toString(StandardCharsets.UTF_8);
        page.release();
        assertThat(text).contains("HTTP/2 upstream", "http://127.0.0.1:9", "connection refused");
        body("more", true);

        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
        assertThat(stream.config().isAutoRead()).as("reads on, to drain the request").isTrue();
    }

    @Test
    void silentUpstreamGets504AndItsStreamIsReset() {
        request(head("GET"), true);
        wire();

        stream.advanceTimeBy(RESPONSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        stream.runScheduledPendingTasks();
        wire();

        assertThat(atEdge()).startsWith("HEADERS 504").last().asString().endsWith(" end");
        assertThat(atServer).containsExactly("HEADERS GET app.burrow.test end", "RST_STREAM CANCEL");
    }

    @Test
    void upstreamResetBeforeAnsweringGets502UpstreamProtocolNamingItsCode() {
        request(head("GET"), true);
        wire();

        serverAnswers(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));

        Http2HeadersFrame head = stream.readOutbound();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("upstream_protocol");
        Http2DataFrame page = stream.readOutbound();
        assertThat(page.content().toString(StandardCharsets.UTF_8)).contains("reset the stream (REFUSED_STREAM)");
        page.release();
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

        stream.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
        stream.close();
        wire();

        assertThat(atServer).containsExactly("HEADERS POST app.burrow.test", "DATA part",
                "RST_STREAM INTERNAL_ERROR");
        assertThat(sent).allSatisfy(bytes -> assertThat(bytes.refCnt()).isZero());
        assertThat(connection.goAway()).isDone();
    }

    @Test
    void resetByTheEdgeMidResponseEndsTheUpstreamStream() {
        request(head("GET"), true);
        wire();
        serverAnswers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));

        stream.close();
        wire();

        assertThat(atServer).containsExactly("HEADERS GET app.burrow.test end", "RST_STREAM CANCEL");
        assertThat(connection.goAway()).isDone();
    }
}
