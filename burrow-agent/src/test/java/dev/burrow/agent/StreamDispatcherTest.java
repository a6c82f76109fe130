package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the edge gets back on a stream as it opens: the control stream's answer, and the refusals of a stream whose
 * kind is unknown, or whose tunnel this connection does not hold.
 */
class StreamDispatcherTest {
    private final EmbeddedChannel edgeConnection = new EmbeddedChannel();
    private final EdgeConnection connection = new EdgeConnection(edgeConnection, null, null, AgentListener.NONE);
    private final StreamContext context = new StreamContext(null, Duration.ofSeconds(30), null, null, null,
            new UpstreamFailureLog(System::nanoTime));
    private final ControlMessage.Hello hello = new ControlMessage.Hello(1, "brw_token", "burrow/test");
    private final StreamDispatcher dispatcher = new StreamDispatcher(context, connection, hello);
    private final TunnelPair pair = new TunnelPair(stream -> dispatcher);

    @AfterEach
    void tearDown() {
        pair.close();
        edgeConnection.finishAndReleaseAll();
    }

    private static Http2Headers request(StreamKind kind, String tunnelId) {
        return new DefaultHttp2Headers().method("GET").scheme("http").path("/").authority("app.burrow.test")
                .set(Protocol.STREAM_KIND, kind.wireName()).set(Protocol.TUNNEL_ID, tunnelId);
    }

    private static Http2Headers controlRequest() {
        return new DefaultHttp2Headers().method("POST").scheme("https").path(Protocol.CONTROL_PATH)
                .authority("edge-1").set(Protocol.STREAM_KIND, StreamKind.CONTROL.wireName());
    }

    private void bindHttpTunnel(String tunnelId) {
        AgentTunnel tunnel = new AgentTunnel(null, null, HttpTunnelOptions.to("8080"));
        connection.bind(tunnel);
        connection.onControlMessage(new ControlMessage.Bound(1, tunnelId, "app.burrow.test",
                "http://app.burrow.test", null));
    }

    private static void assertAnswered502BadMessage(TunnelPair.EdgeStream stream) {
        assertThat(stream.frames).hasSize(3);
        assertThat(stream.frames.get(0)).isEqualTo("HEADERS 502");
        assertThat(stream.headers.get(0).get(Protocol.AGENT_ERROR)).hasToString("bad_message");
        assertThat(stream.frames.get(1)).contains("Unknown tunnel").endsWith(" end");
        assertThat(stream.frames.get(2)).isEqualTo("closed null");
    }

    @Test
    void controlStreamIsAnswered200AndHelloThenReadsTheEdgesMessages() {
        TunnelPair.EdgeStream control = pair.open(controlRequest(), false);

        assertThat(control.frames).hasSize(2);
        assertThat(control.frames.get(0)).isEqualTo("HEADERS 200");
        assertThat(control.frames.get(1)).startsWith("DATA {").contains("\"hello\"", "brw_token").endsWith("}\n");
        control.data("{\"type\":\"welcome\",\"session\":\"s1\",\"edge\":\"edge-1\"}\n", false);

        assertThat(connection.welcome()).isCompletedWithValue(new ControlMessage.Welcome("s1", "edge-1"));
        assertThat(pair.agentReleasedAll()).isTrue();
    }

    @Test
    void controlStreamClosedByTheEdgeEndsTheConnection() {
        TunnelPair.EdgeStream control = pair.open(controlRequest(), false);

        control.reset(Http2Error.CANCEL);

        assertThat(edgeConnection.isOpen()).isFalse();
    }

    @Test
    void httpStreamForATunnelThisConnectionDoesNotHoldGets502BadMessage() {
        TunnelPair.EdgeStream stream = pair.open(request(StreamKind.HTTP, "closed-meanwhile"), true);

        assertAnswered502BadMessage(stream);
    }

    @Test
    void upgradeStreamForATunnelThisConnectionDoesNotHoldGets502BadMessage() {
        TunnelPair.EdgeStream stream = pair.open(request(StreamKind.UPGRADE, "closed-meanwhile")
                .set(Protocol.UPGRADE, "websocket"), false);
        stream.data("early bytes", true);

        assertAnswered502BadMessage(stream);
        assertThat(pair.agentReleasedAll()).isTrue();
    }

    @Test
    void connectionStreamForATunnelThisConnectionDoesNotHoldIsRefused() {
        TunnelPair.EdgeStream stream = pair.open(request(StreamKind.CONNECTION, "closed-meanwhile"), false);

        assertThat(stream.frames).containsExactly("closed REFUSED_STREAM");
    }

    @Test
    void connectionStreamForAnHttpTunnelIsRefused() {
        bindHttpTunnel("web");

        TunnelPair.EdgeStream stream = pair.open(request(StreamKind.CONNECTION, "web"), false);

        assertThat(stream.frames).containsExactly("closed REFUSED_STREAM");
    }

    @Test
    void streamOfAnUnknownKindIsRefused() {
        TunnelPair.EdgeStream stream = pair.open(request(StreamKind.HTTP, "web").set(Protocol.STREAM_KIND, "udp"),
                false);

        assertThat(stream.frames).containsExactly("closed REFUSED_STREAM");
    }

    @Test
    void streamWhoseFirstFrameIsNotHeadersIsResetWithProtocolErrorAndTheBytesReleased() {
        AtomicReference<TunnelStream> opened = new AtomicReference<>();
        try (TunnelPair undispatched = new TunnelPair(stream -> {
            opened.set(stream);
            return TunnelPair.idle();
        })) {
            TunnelPair.EdgeStream stream = undispatched.open(request(StreamKind.HTTP, "web"), false);
            ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2});

            dispatcher.dataRead(opened.get(), data, false);
            undispatched.exchange();

            assertThat(data.refCnt()).isZero();
            assertThat(stream.frames).containsExactly("closed PROTOCOL_ERROR");
        }
    }
}
