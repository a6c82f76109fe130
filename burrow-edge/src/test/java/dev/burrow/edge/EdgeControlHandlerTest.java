package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicyPhases;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.CertificateEvent;
import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenScope;
import dev.burrow.transport.ClientAddress;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
        // An in-memory channel has no IP address; the agent port's connections always do.
        InetSocketAddress agentAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
        ClientAddress.set(edge, agentAddress, agentAddress);
        exchange();
        TunnelStream stream = session.openStream(AgentSession.HANDLER_FOLLOWS).getNow();
        // The paths tested here never reach the edge's store or binders; they do tell its events.
        EdgeContext edgeContext = new EdgeContext(EdgeConfig.builder("burrow.test", Path.of("unused")).build(), null,
                null, null, null, PolicyPhases.NONE);
        link = ControlLink.of(stream, new EdgeControlHandler(edgeContext, session));
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
        authenticate(new ControlMessage.Hello(Protocol.VERSION, "token", "test"));

        session.drain("edge shutting down");
        exchange();

        assertThat(control.text).contains("\"type\":\"drain\"", "edge shutting down");
        assertThat(session.end().reason()).isEqualTo(SessionEnd.Reason.EDGE_DRAINING);
        assertThat(edge.isOpen()).isFalse();
    }

    /** The agent's end of the control stream: what the edge sent it, as text. */
    private void authenticate(ControlMessage.Hello hello) {
        session.authenticated(new TokenRecord("abcdefghijkl", "laptop", "default", TokenScope.ANY, Instant.EPOCH,
                Optional.empty(), Optional.empty()), link, hello);
    }

    /** The HTTP tunnel holding {@code app.burrow.test} for the session under test. */
    private record HeldName(AgentSession session) implements Tunnel {
        @Override
        public String id() {
            return "t1";
        }

        @Override
        public TunnelType type() {
            return TunnelType.HTTP;
        }

        @Override
        public String url() {
            return "https://app.burrow.test";
        }

        @Override
        public String routeKey() {
            return "app.burrow.test";
        }

        @Override
        public PolicySlot policySlot() {
            return new PolicySlot(TrafficPolicy.NONE);
        }
    }

    private CertificateNotices notices(AtomicLong nanos) {
        HeldName tunnel = new HeldName(session);
        return new CertificateNotices(hostname -> hostname.equals(tunnel.routeKey()) ? tunnel : null, nanos::get);
    }

    private int certificateMessages() {
        return control.text.toString().split("\"type\":\"certificate\"", -1).length - 1;
    }

    @Test
    void certificateNewsReachAnAgentThatUnderstandsThemOnceAMinutePerEvent() {
        authenticate(new ControlMessage.Hello(Protocol.VERSION, "token", "test", Protocol.FEATURES));
        AtomicLong nanos = new AtomicLong();
        CertificateNotices notices = notices(nanos);

        notices.on("app.burrow.test", CertificateEvent.FAILED, "the CA could not reach the name");
        notices.on("app.burrow.test", CertificateEvent.FAILED, "the CA could not reach the name");
        notices.on("nobody.burrow.test", CertificateEvent.FAILED, "no tunnel holds it");
        exchange();

        assertThat(control.text).contains("{\"type\":\"certificate\",\"tunnelId\":\"t1\","
                + "\"hostname\":\"app.burrow.test\",\"event\":\"failed\","
                + "\"detail\":\"the CA could not reach the name\"}");
        assertThat(certificateMessages()).isEqualTo(1);

        notices.on("app.burrow.test", CertificateEvent.ORDERED, "first use");
        nanos.addAndGet(CertificateNotices.REPEAT.toNanos());
        notices.on("app.burrow.test", CertificateEvent.FAILED, "the CA could not reach the name");
        exchange();

        assertThat(certificateMessages()).isEqualTo(3);
    }

    @Test
    void anAgentThatDidNotSayItUnderstandsCertificateNewsGetsNone() {
        authenticate(new ControlMessage.Hello(Protocol.VERSION, "token", "an older agent"));

        notices(new AtomicLong()).on("app.burrow.test", CertificateEvent.ISSUED, "2027-03-07T12:00:00Z");
        exchange();

        assertThat(certificateMessages()).isZero();
        assertThat(edge.isOpen()).isTrue();
    }

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
