package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.StreamMux;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Opening streams to an agent, on an in-memory agent connection. */
class AgentSessionTest {
    private final StreamMux mux = new StreamMux(null);
    private final EmbeddedChannel connection = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), mux);
    private final AgentSession session = new AgentSession(connection, new Heartbeat(Duration.ofSeconds(10), 3), mux);

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    /** The agent's SETTINGS, allowing at most {@code streams} streams at once. */
    private void agentAllows(int streams) {
        connection.writeInbound(Unpooled.buffer().writeMedium(6).writeByte(0x4).writeByte(0).writeInt(0)
                .writeShort(0x3).writeInt(streams));
    }

    private static Http2Headers request() {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("app").path("/");
    }

    @Test
    void aStreamOpensAtOnceOnTheSessionsLoopAndTheAgentLearnsOfItFromItsHeaders() {
        Future<TunnelStream> opened = session.openStream(AgentSession.HANDLER_FOLLOWS);

        assertThat(opened.isSuccess()).isTrue();
        TunnelStream stream = opened.getNow();
        assertThat(stream.id()).as("no HEADERS yet").isEqualTo(-1);
        ChannelFuture written = stream.write(request(), true);
        stream.flush();
        assertThat(written.isSuccess()).isTrue();
        assertThat(stream.id()).isPositive();
    }

    @Test
    void noStreamOpensOnAClosedConnection() {
        connection.close();

        Future<TunnelStream> opened = session.openStream(AgentSession.HANDLER_FOLLOWS);

        assertThat(opened.cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(session.acceptsStreams()).isFalse();
    }

    @Test
    void aStreamTheAgentHasNoRoomForClosesAtItsFirstHeaders() {
        agentAllows(0);
        assertThat(session.hasStreamCapacity()).isFalse();
        TunnelStream stream = session.openStream(AgentSession.HANDLER_FOLLOWS).getNow();

        assertThat(stream.write(request(), true).isSuccess()).isFalse();

        assertThat(stream.isActive()).isFalse();
    }
}
