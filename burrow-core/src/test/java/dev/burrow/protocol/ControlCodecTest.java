package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Control messages as JSON lines: what a message is written as, and what a line is read as. */
class ControlCodecTest {
    static Stream<ControlMessage> everyMessageType() {
        return Stream.of(
                new ControlMessage.Hello(1, "bt_secret", "burrow/0.1.0 linux"),
                new ControlMessage.Welcome("session-1", "edge-1"),
                new ControlMessage.Bind(7, "http", "app", null, null, null, null, null),
                new ControlMessage.Bind(8, "http", null, "www.example.com", null, null, null, null),
                new ControlMessage.Bind(9, "http", null, null, null, null, null, null),
                new ControlMessage.Bind(10, "tcp", null, null, 20022, null, null, null),
                new ControlMessage.Bind(11, "http", "app", null, null, true, null, null),
                new ControlMessage.Bind(12, "http", "app", null, null, null, true, null),
                new ControlMessage.Update(13, "0b6c7a52", "on_http_request: [{actions: [{type: deny}]}]"),
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
        ByteBuf written = ControlCodec.encode(message, UnpooledByteBufAllocator.DEFAULT);
        String line = written.toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").containsOnlyOnce("\n");

        ByteBuf withoutNewline = written.slice(0, written.readableBytes() - 1);
        assertThat(ControlCodec.parse(withoutNewline)).isEqualTo(message);
        written.release();
    }

    @Test
    void messagesAreOneJsonObjectPerLineNamedByType() {
        String line = written(new ControlMessage.Bind(3, "http", "app", null, null, null, null, null));

        assertThat(line).contains("\"type\":\"bind\"", "\"id\":3", "\"tunnel\":\"http\"", "\"subdomain\":\"app\"")
                // Absent fields are left out, not sent as null.
                .doesNotContain("hostname", "null");
    }

    @Test
    void errorCodesGoByTheirWireNames() {
        String line = written(new ControlMessage.Error(null, ErrorCode.RATE_LIMITED, "slow down"));

        assertThat(line).contains("\"code\":\"rate_limited\"").doesNotContain("RATE_LIMITED", "\"id\"");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(read("{\"type\":\"welcome\",\"session\":\"s\",\"edge\":\"e\",\"future\":42}"))
                .isEqualTo(new ControlMessage.Welcome("s", "e"));
    }

    @Test
    void unknownErrorCodeReadsAsInternal() {
        assertThat(read("{\"type\":\"error\",\"code\":\"brand_new_code\",\"message\":\"m\"}"))
                .isEqualTo(new ControlMessage.Error(null, ErrorCode.INTERNAL, "m"));
    }

    @Test
    void invalidJsonIsADecoderException() {
        assertThatThrownBy(() -> read("{\"type\":\"hello\",")).isInstanceOf(DecoderException.class)
                .hasMessageContaining("bad control message");
    }

    @Test
    void theJsonNullIsADecoderExceptionNotAMessage() {
        assertThatThrownBy(() -> read("null")).isInstanceOf(DecoderException.class)
                .hasMessageContaining("bad control message");
    }

    @Test
    void unknownTypeIsADecoderException() {
        assertThatThrownBy(() -> read("{\"type\":\"teleport\"}")).isInstanceOf(DecoderException.class);
    }

    @Test
    void aHelloListsTheFeaturesItUnderstandsAndAnOlderHelloNone() {
        String line = written(new ControlMessage.Hello(1, "t", "burrow/0.1.0", Protocol.FEATURES));

        assertThat(line).contains("\"features\":[\"certificate\"]");
        assertThat(((ControlMessage.Hello) read(line.trim())).understands(Protocol.FEATURE_CERTIFICATE)).isTrue();
        assertThat(((ControlMessage.Hello) read("{\"type\":\"hello\",\"version\":1,\"authtoken\":\"t\","
                + "\"client\":\"older\"}")).understands(Protocol.FEATURE_CERTIFICATE)).isFalse();
    }

    @Test
    void aReconnectingHelloNamesTheSessionItResumesAndAFirstHelloNone() {
        ControlMessage.Hello first = new ControlMessage.Hello(1, "t", "burrow/0.1.0", Protocol.FEATURES);
        ControlMessage.Hello again = first.resuming("4f1c2a9e-0000-4000-8000-000000000001");

        assertThat(written(first)).doesNotContain("resume");
        assertThat(written(again)).contains("\"resume\":\"4f1c2a9e-0000-4000-8000-000000000001\"");
        assertThat(read(written(again).trim())).isEqualTo(again);
    }

    @Test
    void certificateEventsGoByTheirWireNamesAndAnUnknownOneReadsAsNone() {
        ControlMessage.Certificate issued = new ControlMessage.Certificate("t1", "app.example.test",
                CertificateEvent.ISSUED, "2027-03-07T12:00:00Z");

        assertThat(written(issued)).contains("\"type\":\"certificate\"", "\"event\":\"issued\"");
        assertThat(read(written(issued).trim())).isEqualTo(issued);
        assertThat(read("{\"type\":\"certificate\",\"tunnelId\":\"t1\",\"hostname\":\"a.test\","
                + "\"event\":\"revoked\"}")).isEqualTo(new ControlMessage.Certificate("t1", "a.test", null, null));
    }

    @Test
    void helloToStringHidesTheToken() {
        ControlMessage.Hello hello = new ControlMessage.Hello(1, "bt_very_secret_token", "burrow/0.1.0");

        assertThat(hello.toString()).doesNotContain("bt_very_secret_token").contains("burrow/0.1.0");
    }

    private static String written(ControlMessage message) {
        ByteBuf written = ControlCodec.encode(message, UnpooledByteBufAllocator.DEFAULT);
        try {
            return written.toString(StandardCharsets.UTF_8);
        } finally {
            written.release();
        }
    }

    private static ControlMessage read(String line) {
        return ControlCodec.parse(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
    }
}
