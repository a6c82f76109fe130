package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the edge gets back on a stream whose tunnel this connection does not hold, as the stream opens. */
class StreamDispatcherTest {
    private final EmbeddedChannel edge = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edge, null);
    private final StreamContext context = new StreamContext(null, Duration.ofSeconds(30), null, null, null);
    private final EmbeddedChannel stream = new EmbeddedChannel(new StreamDispatcher(context, connection, null));

    @AfterEach
    void tearDown() {
        stream.finishAndReleaseAll();
        edge.finishAndReleaseAll();
    }

    private static Http2Headers request(StreamKind kind, String tunnelId) {
        return new DefaultHttp2Headers().method("GET").scheme("http").path("/").authority("app.burrow.test")
                .set(Protocol.STREAM_KIND, kind.wireName()).set(Protocol.TUNNEL_ID, tunnelId);
    }

    private void bindHttpTunnel(String tunnelId) {
        AgentTunnel tunnel = new AgentTunnel(null, null, HttpTunnelOptions.to("8080"));
        connection.bind(tunnel);
        connection.onControlMessage(new ControlMessage.Bound(1, tunnelId, "app.burrow.test",
                "http://app.burrow.test", null));
    }

    private void assertAnswered502BadMessage() {
        Http2HeadersFrame head = stream.readOutbound();
        assertThat(head.headers().status()).hasToString("502");
        assertThat(head.headers().get(Protocol.AGENT_ERROR)).hasToString("bad_message");
        Http2DataFrame body = stream.readOutbound();
        try {
            assertThat(body.content().toString(StandardCharsets.UTF_8)).contains("Unknown tunnel");
            assertThat(body.isEndStream()).isTrue();
        } finally {
            body.release();
        }
    }

    @Test
    void httpStreamForATunnelThisConnectionDoesNotHoldGets502BadMessage() {
        stream.writeInbound(new DefaultHttp2HeadersFrame(request(StreamKind.HTTP, "closed-meanwhile"), true));

        assertAnswered502BadMessage();
    }

    @Test
    void upgradeStreamForATunnelThisConnectionDoesNotHoldGets502BadMessage() {
        stream.writeInbound(new DefaultHttp2HeadersFrame(request(StreamKind.UPGRADE, "closed-meanwhile")
                .set(Protocol.UPGRADE, "websocket"), false));

        assertAnswered502BadMessage();
    }

    @Test
    void connectionStreamForATunnelThisConnectionDoesNotHoldIsRefused() {
        stream.writeInbound(new DefaultHttp2HeadersFrame(request(StreamKind.CONNECTION, "closed-meanwhile"), false));

        Http2ResetFrame reset = stream.readOutbound();
        assertThat(reset.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
    }

    @Test
    void connectionStreamForAnHttpTunnelIsRefused() {
        bindHttpTunnel("web");

        stream.writeInbound(new DefaultHttp2HeadersFrame(request(StreamKind.CONNECTION, "web"), false));

        Http2ResetFrame reset = stream.readOutbound();
        assertThat(reset.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
    }
}
