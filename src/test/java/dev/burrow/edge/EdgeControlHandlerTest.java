package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.ControlLink;
import dev.burrow.transport.EmbeddedLink;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's end of the control stream over a real {@link ControlLink}, on two in-memory HTTP/2 connections: the
 * edge's (a session's) and the agent's, whose bytes the test hands across. Only the paths that end a session before
 * it authenticates; authentication and binds are proven end to end.
 */
class EdgeControlHandlerTest {
    private final StreamMux edgeMux = new StreamMux(null);
    private final EmbeddedChannel edge = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), edgeMux);
    private final AgentEnd control = new AgentEnd();
    private final EmbeddedChannel agent = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(),
            new StreamMux(stream -> control));
    private final AgentSession session = new AgentSession(edge, new Heartbeat(Duration.ofSeconds(10), 3), edgeMux);
    private ControlLink link;

    @BeforeEach
    void openControlStream() {
        exchange();
        TunnelStream stream = session.openStream(AgentSession.HANDLER_FOLLOWS).getNow();
        // The paths tested here never reach the edge's services (tokens, binders).
        link = ControlLink.of(stream, new EdgeControlHandler(null, session));
        stream.write(new DefaultHttp2Headers().method("POST").scheme("https").authority("edge").path("/control"),
                false);
        stream.flush();
        exchange();
        control.stream.write(new DefaultHttp2Headers().status("200"), false);
        control.stream.flush();
        exchange();
    }

    @AfterEach
    void close() {
        edge.finishAndReleaseAll();
        agent.finishAndReleaseAll();
    }

    /** Hands the bytes each side wrote to the other until neither has more. */
    private void exchange() {
        EmbeddedLink.exchange(edge, agent);
    }

    private void agentSends(String line) {
        control.stream.write(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8), false);
        control.stream.flush();
        exchange();
    }

    @Test
    void anUnreadableLineIsRefusedWithBadMessageAndEndsTheSession() {
        agentSends("not a message\n");

        assertThat(control.text).contains("\"type\":\"error\"", "\"code\":\"bad_message\"",
                "control message could not be read");
        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.REFUSED);
        assertThat(edge.isOpen()).isFalse();
    }

    @Test
    void aMessageBeforeHelloIsRefusedAndEndsTheSession() {
        agentSends("{\"type\":\"unbind\",\"tunnelId\":\"t1\"}\n");

        assertThat(control.text).contains("\"code\":\"bad_message\"", "hello must come first");
        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.REFUSED);
        assertThat(edge.isOpen()).isFalse();
    }

    @Test
    void theAgentEndingTheControlStreamEndsTheSession() {
        control.stream.write(new DefaultHttp2Headers(), true);
        control.stream.flush();
        exchange();

        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.CONTROL_CLOSED);
        assertThat(edge.isOpen()).isFalse();
    }

    @Test
    void aResetControlStreamEndsTheSession() {
        control.stream.reset(Http2Error.CANCEL);
        exchange();

        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.CONTROL_CLOSED);
        assertThat(edge.isOpen()).isFalse();
    }

    @Test
    void aDrainIsSentOnTheControlStreamThenTheConnectionCloses() {
        session.authenticated("laptop", link);

        session.drain("edge shutting down");
        exchange();

        assertThat(control.text).contains("\"type\":\"drain\"", "edge shutting down");
        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.EDGE_DRAINING);
        assertThat(edge.isOpen()).isFalse();
    }

    /** The agent's end of the control stream: what the edge sent it, as text. */
    private static final class AgentEnd implements TunnelStream.Handler {
        final StringBuilder text = new StringBuilder();
        TunnelStream stream;

        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            this.stream = stream;
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            text.append(data.toString(StandardCharsets.UTF_8));
            data.release();
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
        }
    }
}
