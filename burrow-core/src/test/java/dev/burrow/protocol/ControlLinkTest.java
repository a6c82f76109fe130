package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.transport.EmbeddedLink;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A control stream read through a {@link ControlLink}, over two {@link StreamMux}es on in-memory connections: what it
 * keeps between lines, and a listener that closes the stream on a message.
 */
class ControlLinkTest {
    /** Every composite buffer the reading side's link made for a line. */
    private final List<CompositeByteBuf> composites = new ArrayList<>();
    private final List<String> heard = new ArrayList<>();
    private final List<ControlMessage> messages = new ArrayList<>();
    private boolean resetOnMessage;
    private final StreamMux clientMux = new StreamMux(null);
    private final StreamMux serverMux = new StreamMux(stream -> ControlLink.of(stream, new Listener()));
    private final EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), clientMux);
    private final EmbeddedChannel server = new EmbeddedChannel();

    ControlLinkTest() {
        server.config().setAllocator(new AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.directBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }

            @Override
            public CompositeByteBuf compositeBuffer() {
                CompositeByteBuf composite = super.compositeBuffer();
                composites.add(composite);
                return composite;
            }
        });
        server.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), serverMux);
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    private final class Listener implements ControlLink.Listener {
        @Override
        public void messageRead(ControlLink link, ControlMessage message) {
            heard.add(message.getClass().getSimpleName());
            messages.add(message);
            if (resetOnMessage) {
                link.stream().reset(Http2Error.CANCEL);
            }
        }

        @Override
        public void unreadable(ControlLink link, DecoderException cause) {
            heard.add("unreadable");
        }

        @Override
        public void closed(ControlLink link, Http2Error resetBy) {
            heard.add("closed");
        }
    }

    private void exchange() {
        EmbeddedLink.exchange(client, server);
    }

    private TunnelStream openControl() {
        exchange();
        TunnelStream stream = clientMux.open(new TunnelStream.Handler() {
            @Override
            public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            }

            @Override
            public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
                data.release();
            }

            @Override
            public void closed(TunnelStream stream, Http2Error resetBy) {
            }
        });
        stream.write(new DefaultHttp2Headers().method("POST").scheme("https").authority("edge").path("/"), false);
        return stream;
    }

    private static ByteBuf lines(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void nothingIsHeldBetweenWholeLinesAndAPartLineWaitsForItsEnd() {
        TunnelStream stream = openControl();
        stream.write(lines("{\"type\":\"drain\",\"reason\":\"a\"}\n{\"type\":\"drain\","), false);
        stream.flush();
        exchange();

        assertThat(heard).containsExactly("Drain");
        assertThat(composites).hasSize(1);
        assertThat(composites.get(0).refCnt()).as("the start of the next line is held").isEqualTo(1);

        stream.write(lines("\"reason\":\"b\"}\n"), false);
        stream.flush();
        exchange();

        assertThat(heard).containsExactly("Drain", "Drain");
        assertThat(composites).allSatisfy(held -> assertThat(held.refCnt()).isZero());
    }

    @Test
    void aListenerThatResetsTheStreamOnAMessageHearsNoMoreAndNothingIsKept() {
        resetOnMessage = true;
        TunnelStream stream = openControl();
        stream.write(lines("{\"type\":\"drain\",\"reason\":\"a\"}\n{\"type\":\"drain\",\"reason\":\"b\"}\n{\"ty"),
                false);
        stream.flush();
        exchange();

        assertThat(heard).containsExactly("Drain", "closed");
        assertThat(composites).allSatisfy(held -> assertThat(held.refCnt()).isZero());
    }

    @Test
    void aLineSplitAcrossFramesIsOneMessageAndSeveralLinesInOneFrameAreSeveral() {
        TunnelStream stream = openControl();
        stream.write(lines("{\"type\":\"dra"), false);
        stream.flush();
        exchange();
        assertThat(messages).isEmpty();

        stream.write(lines("in\",\"reason\":\"bye\"}\n{\"type\":\"unbind\",\"tunnelId\":\"t1\"}\r\n"
                + "{\"type\":\"unbind\",\"tunnelId\":\"t2\"}\n"), false);
        stream.flush();
        exchange();

        assertThat(messages).containsExactly(new ControlMessage.Drain("bye"), new ControlMessage.Unbind("t1"),
                new ControlMessage.Unbind("t2"));
    }

    @Test
    void aLineAtTheLimitIsReadAndOneLongerIsUnreadableAndEndsReading() {
        String prefix = "{\"type\":\"drain\",\"reason\":\"";
        String suffix = "\"}";
        String reason = "y".repeat(Protocol.MAX_CONTROL_MESSAGE - prefix.length() - suffix.length());
        TunnelStream stream = openControl();
        stream.write(lines(prefix + reason + suffix + "\n"), false);
        stream.flush();
        exchange();
        assertThat(messages).containsExactly(new ControlMessage.Drain(reason));

        // No newline in sight, and already longer than a line may be: unreadable without waiting for its end.
        stream.write(lines(prefix + reason + "yy" + suffix), false);
        stream.write(lines("\n{\"type\":\"drain\",\"reason\":\"after\"}\n"), false);
        stream.flush();
        exchange();

        assertThat(heard).containsExactly("Drain", "unreadable");
        assertThat(composites).allSatisfy(held -> assertThat(held.refCnt()).isZero());
    }

    @Test
    void aLineThatIsNoMessageIsUnreadable() {
        TunnelStream stream = openControl();
        stream.write(lines("{\"type\":\"teleport\"}\n{\"type\":\"drain\",\"reason\":\"after\"}\n"), false);
        stream.flush();
        exchange();

        assertThat(heard).containsExactly("unreadable");
    }
}
