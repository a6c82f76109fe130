package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.http.EmbeddedAgentConnection.Frame;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The check of the agent's response heads, on a real tunnel stream of an in-memory agent connection. */
class AgentResponseCheckTest {
    private final AgentResponseCheck check = new AgentResponseCheck();
    private final EmbeddedAgentConnection agent = new EmbeddedAgentConnection();
    private final TunnelStream stream = agent.streams().open(new TunnelStream.Handler() {
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
    }).getNow();

    @AfterEach
    void tearDown() {
        agent.close();
    }

    private static Http2Headers head(String status) {
        return new DefaultHttp2Headers().status(status);
    }

    private int opened() {
        stream.write(new DefaultHttp2Headers().method("GET").scheme("http").authority("app").path("/"), true);
        stream.flush();
        return agent.sent().get(0).streamId();
    }

    @Test
    void interimHeadsTheFinalOneAndTrailersPass() {
        opened();

        assertThat(check.passes(stream, head("103"))).isTrue();
        assertThat(check.passes(stream, head("200"))).isTrue();
        assertThat(check.passes(stream, new DefaultHttp2Headers().set("x-sum", "3"))).isTrue();
        assertThat(check.refused()).isFalse();
        assertThat(agent.sent()).isEmpty();
    }

    @Test
    void aHeadWithAnInvalidStatusIsRefusedTheStreamResetAndWhatFollowsRefused() {
        int id = opened();

        assertThat(check.passes(stream, head("20"))).isFalse();

        assertThat(check.refused()).isTrue();
        assertThat(check.passes(stream, head("200"))).as("nothing after a refused head").isFalse();
        List<Frame> sent = agent.sent();
        assertThat(sent).singleElement().satisfies(reset -> {
            assertThat(reset.type()).isEqualTo(EmbeddedAgentConnection.RST_STREAM);
            assertThat(reset.streamId()).isEqualTo(id);
            assertThat(reset.payload()[3]).isEqualTo((byte) Http2Error.PROTOCOL_ERROR.code());
        });
        assertThat(stream.isActive()).isFalse();
        FullHttpResponse page = check.closedBeforeAnswer(ByteBufAllocator.DEFAULT);
        try {
            assertThat(page.status().code()).isEqualTo(502);
            assertThat(page.headers().get("burrow-error")).isEqualTo("agent_bad_response");
        } finally {
            page.release();
        }
    }

    @Test
    void aSwitchingProtocolsHeadIsRefused() {
        opened();

        assertThat(check.passes(stream, head("101"))).isFalse();
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
