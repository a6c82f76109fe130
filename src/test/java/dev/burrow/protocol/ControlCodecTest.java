package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The control stream's pipeline as {@link ControlStream#configure} builds it: DATA frames in, messages out. */
class ControlCodecTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        // A pass-through last handler, so decoded messages land in the channel's inbound queue.
        ControlStream.configure(channel.pipeline(), new ChannelInboundHandlerAdapter());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    static Stream<ControlMessage> everyMessageType() {
        return Stream.of(
                new ControlMessage.Hello(1, "bt_secret", "burrow/0.1.0 linux"),
                new ControlMessage.Welcome("session-1", "edge-1"),
                new ControlMessage.Bind(7, "http", "app", null, null, null, null),
                new ControlMessage.Bind(8, "http", null, "www.example.com", null, null, null),
                new ControlMessage.Bind(9, "http", null, null, null, null, null),
                new ControlMessage.Bind(10, "tcp", null, null, 20022, null, null),
                new ControlMessage.Bind(11, "http", "app", null, null, true, null),
                new ControlMessage.Bind(12, "http", "app", null, null, null, true),
                new ControlMessage.Bound(7, "tunnel-1", "app.burrow.test", "http://app.burrow.test:8080", null),
                new ControlMessage.Bound(10, "tunnel-2", null, "tcp://burrow.test:20022", 20022),
                new ControlMessage.Unbind("tunnel-1"),
                new ControlMessage.Error(7L, ErrorCode.HOSTNAME_TAKEN, "app.burrow.test is taken"),
                new ControlMessage.Error(null, ErrorCode.AUTH_FAILED, "unknown token"),
                new ControlMessage.Drain("edge shutting down"));
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void everyMessageSurvivesTheRoundTrip(ControlMessage message) {
        channel.writeOutbound(message);
        Http2DataFrame frame = channel.readOutbound();
        assertThat(frame.isEndStream()).isFalse();
        String line = frame.content().toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").containsOnlyOnce("\n");

        channel.writeInbound(frame);

        assertThat((Object) channel.readInbound()).isEqualTo(message);
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void messagesAreOneJsonObjectPerLineNamedByType() {
        channel.writeOutbound(new ControlMessage.Bind(3, "http", "app", null, null, null, null));
        Http2DataFrame frame = channel.readOutbound();
        String line = frame.content().toString(StandardCharsets.UTF_8);
        frame.release();

        assertThat(line).contains("\"type\":\"bind\"", "\"id\":3", "\"tunnel\":\"http\"", "\"subdomain\":\"app\"")
                // Absent fields are left out, not sent as null.
                .doesNotContain("hostname", "null");
    }

    @Test
    void errorCodesGoByTheirWireNames() {
        channel.writeOutbound(new ControlMessage.Error(null, ErrorCode.RATE_LIMITED, "slow down"));
        Http2DataFrame frame = channel.readOutbound();
        String line = frame.content().toString(StandardCharsets.UTF_8);
        frame.release();

        assertThat(line).contains("\"code\":\"rate_limited\"").doesNotContain("RATE_LIMITED", "\"id\"");
    }

    @Test
    void lineSplitAcrossFramesIsJoined() {
        channel.writeInbound(data("{\"type\":\"dra"));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(data("in\",\"reason\":\"bye\"}\n"));

        assertThat((Object) channel.readInbound()).isEqualTo(new ControlMessage.Drain("bye"));
    }

    @Test
    void severalLinesInOneFrameAreSeveralMessages() {
        channel.writeInbound(data("{\"type\":\"unbind\",\"tunnelId\":\"t1\"}\n{\"type\":\"unbind\",\"tunnelId\":\"t2\"}\r\n"));

        assertThat(List.of(channel.readInbound(), channel.readInbound())).containsExactly(
                new ControlMessage.Unbind("t1"), new ControlMessage.Unbind("t2"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        channel.writeInbound(data("{\"type\":\"welcome\",\"session\":\"s\",\"edge\":\"e\",\"future\":42}\n"));

        assertThat((Object) channel.readInbound()).isEqualTo(new ControlMessage.Welcome("s", "e"));
    }

    @Test
    void unknownErrorCodeReadsAsInternal() {
        channel.writeInbound(data("{\"type\":\"error\",\"code\":\"brand_new_code\",\"message\":\"m\"}\n"));

        assertThat((Object) channel.readInbound())
                .isEqualTo(new ControlMessage.Error(null, ErrorCode.INTERNAL, "m"));
    }

    @Test
    void invalidJsonIsADecoderException() {
        Http2DataFrame frame = data("{\"type\":\"hello\",\n");

        assertThatThrownBy(() -> channel.writeInbound(frame)).isInstanceOf(DecoderException.class)
                .hasMessageContaining("bad control message");
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void unknownTypeIsADecoderException() {
        assertThatThrownBy(() -> channel.writeInbound(data("{\"type\":\"teleport\"}\n")))
                .isInstanceOf(DecoderException.class);
    }

    @Test
    void lineLongerThanTheLimitIsTooLongFrameException() {
        String tooLong = "{\"type\":\"drain\",\"reason\":\"" + "x".repeat(Protocol.MAX_CONTROL_MESSAGE) + "\"}";

        assertThatThrownBy(() -> channel.writeInbound(data(tooLong))).isInstanceOf(TooLongFrameException.class);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void lineAtTheLimitIsAccepted() {
        String prefix = "{\"type\":\"drain\",\"reason\":\"";
        String suffix = "\"}";
        String reason = "y".repeat(Protocol.MAX_CONTROL_MESSAGE - prefix.length() - suffix.length());

        channel.writeInbound(data(prefix + reason + suffix + "\n"));

        assertThat((Object) channel.readInbound()).isEqualTo(new ControlMessage.Drain(reason));
    }

    @Test
    void helloToStringHidesTheToken() {
        ControlMessage.Hello hello = new ControlMessage.Hello(1, "bt_very_secret_token", "burrow/0.1.0");

        assertThat(hello.toString()).doesNotContain("bt_very_secret_token").contains("burrow/0.1.0");
    }

    private static Http2DataFrame data(String text) {
        ByteBuf content = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        return new DefaultHttp2DataFrame(content, false);
    }
}
