package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamBytesCodecTest {
    private final List<Object> events = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(new StreamBytesCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void dataFrameBecomesItsContentWithoutCopy() {
        ByteBuf content = bytes("hello");
        channel.writeInbound(new DefaultHttp2DataFrame(content, false));

        ByteBuf read = channel.readInbound();
        try {
            assertThat(read).isSameAs(content);
            assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(read.refCnt()).isEqualTo(1);
        } finally {
            read.release();
        }
        assertThat(events).isEmpty();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void endOfStreamWithBytesGivesTheBytesThenTheEvent() {
        channel.writeInbound(new DefaultHttp2DataFrame(bytes("last"), true));

        ByteBuf read = channel.readInbound();
        try {
            assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("last");
        } finally {
            read.release();
        }
        assertThat(events).containsExactly(StreamBytesCodec.INPUT_SHUTDOWN);
    }

    @Test
    void emptyDataFrameIsReleasedAndNotPassedOn() {
        ByteBuf empty = Unpooled.buffer(8);
        channel.writeInbound(new DefaultHttp2DataFrame(empty, false));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(empty.refCnt()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void emptyEndOfStreamFrameFiresOnlyTheEvent() {
        ByteBuf empty = Unpooled.buffer(8);
        channel.writeInbound(new DefaultHttp2DataFrame(empty, true));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(empty.refCnt()).isZero();
        assertThat(events).containsExactly(StreamBytesCodec.INPUT_SHUTDOWN);
    }

    @Test
    void otherInboundFramesPassThroughUntouched() {
        Http2HeadersFrame headers = new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false);
        channel.writeInbound(headers);

        assertThat((Object) channel.readInbound()).isSameAs(headers);
        assertThat(events).isEmpty();
    }

    @Test
    void outboundBytesBecomeADataFrameThatDoesNotEndTheStream() {
        ByteBuf content = bytes("out");
        channel.writeOutbound(content);

        Http2DataFrame frame = channel.readOutbound();
        try {
            assertThat(frame.content()).isSameAs(content);
            assertThat(frame.isEndStream()).isFalse();
            assertThat(content.refCnt()).isEqualTo(1);
        } finally {
            frame.release();
        }
        assertThat(content.refCnt()).isZero();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void endOfStreamFramePassesOutAsIs() {
        Http2DataFrame end = StreamBytesCodec.endOfStream();
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();

        channel.writeOutbound(end);

        assertThat((Object) channel.readOutbound()).isSameAs(end);
    }

    @Test
    void otherOutboundMessagesPassThrough() {
        Http2HeadersFrame headers = new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET"), true);
        channel.writeOutbound(headers);

        assertThat((Object) channel.readOutbound()).isSameAs(headers);
    }

    @Test
    void bytesOfSeveralFramesArriveInOrder() {
        channel.writeInbound(new DefaultHttp2DataFrame(bytes("a"), false), new DefaultHttp2DataFrame(bytes("b"), false),
                new DefaultHttp2DataFrame(bytes("c"), true));

        StringBuilder all = new StringBuilder();
        ByteBuf read;
        while ((read = channel.readInbound()) != null) {
            all.append(read.toString(StandardCharsets.UTF_8));
            read.release();
        }
        assertThat(all).hasToString("abc");
        assertThat(events).containsExactly(StreamBytesCodec.INPUT_SHUTDOWN);
    }
}
