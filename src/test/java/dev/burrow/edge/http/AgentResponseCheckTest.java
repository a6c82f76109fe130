package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentResponseCheckTest {
    private final AgentResponseCheck check = new AgentResponseCheck();
    private final EmbeddedChannel stream = new EmbeddedChannel(check);

    @AfterEach
    void tearDown() {
        stream.finishAndReleaseAll();
    }

    private static Http2HeadersFrame head(String status, boolean end) {
        return new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), end);
    }

    @Test
    void interimHeadsTheFinalOneBodyAndTrailersPass() {
        Http2HeadersFrame interim = head("103", false);
        Http2HeadersFrame fin = head("200", false);
        Http2DataFrame body = new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}), false);
        Http2HeadersFrame trailers = new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("x-sum", "3"), true);

        stream.writeInbound(interim, fin, body, trailers);

        assertThat((Object) stream.readInbound()).isSameAs(interim);
        assertThat((Object) stream.readInbound()).isSameAs(fin);
        assertThat((Object) stream.readInbound()).isSameAs(body);
        assertThat((Object) stream.readInbound()).isSameAs(trailers);
        assertThat((Object) stream.readOutbound()).isNull();
    }

    @Test
    void aHeadWithAnInvalidStatusIsDroppedTheStreamResetAndWhatFollowsDropped() {
        Http2DataFrame body = new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {1}), true);

        stream.writeInbound(head("20", false), body);

        assertThat((Object) stream.readInbound()).isNull();
        Http2ResetFrame reset = stream.readOutbound();
        assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        assertThat(body.refCnt()).isZero();
        FullHttpResponse page = check.closedBeforeAnswer(ByteBufAllocator.DEFAULT);
        try {
            assertThat(page.status().code()).isEqualTo(502);
            assertThat(page.headers().get("burrow-error")).isEqualTo("agent_bad_response");
        } finally {
            page.release();
        }
    }

    @Test
    void aStreamClosedBeforeAnyHeadIsAReset() {
        FullHttpResponse page = check.closedBeforeAnswer(ByteBufAllocator.DEFAULT);
        try {
            assertThat(page.headers().get("burrow-error")).isEqualTo("agent_stream_reset");
        } finally {
            page.release();
        }
    }
}
