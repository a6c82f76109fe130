package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * Frames from anyone on the internet, after the HTTP/2 connection preface, into the edge's public HTTP/2 pipeline as
 * {@link PublicHttp2Pipeline#configure} assembles it, with a tunnel on an in-memory agent connection serving every
 * host. ({@link PublicHttp1FuzzTest} reaches this pipeline only when its input happens to begin with the preface.)
 * Whatever the frames: nothing the pipeline throws goes unhandled, the client gets HTTP/2 frames beginning with the
 * edge's SETTINGS, a request that reaches the agent is one the edge has brought to its form, and once the connection
 * is gone every buffer it allocated has been released.
 */
class PublicHttp2FuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40000);
    private static final int SETTINGS = 0x4;

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @FuzzTest(maxDuration = "10m")
    void answersForwardsOrCloses(byte[] input) throws Exception {
        StubHttpEdge edge = new StubHttpEdge();
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedAgentConnection agent = new EmbeddedAgentConnection();
        EmbeddedChannel publicSide = new EmbeddedChannel(false, false);
        ByteBuf answered = Unpooled.buffer();
        try {
            edge.serve(new HttpTunnel("t1", "app.burrow.test", "http://app.burrow.test", false, true,
                    agent.session(), new PolicySlot(TrafficPolicy.NONE)));
            publicSide.config().setAllocator(allocator);
            ClientAddress.set(publicSide, CLIENT, new InetSocketAddress("198.51.100.1", 80));
            PublicHttp2Pipeline.configure(publicSide.pipeline(), edge, PublicConnection.PLAIN);
            publicSide.register();

            ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
            ByteBuf in = allocator.buffer(preface.readableBytes() + input.length).writeBytes(preface)
                    .writeBytes(input);
            preface.release();
            publicSide.writeInbound(in);
            publicSide.runPendingTasks();
            agent.channel.runPendingTasks();
            publicSide.runPendingTasks();
            publicSide.checkException();

            Set<Integer> opened = new HashSet<>();
            for (EmbeddedAgentConnection.Frame frame : agent.sent()) {
                if (frame.type() == EmbeddedAgentConnection.HEADERS && opened.add(frame.streamId())) {
                    assertForwardedForm(frame.headers());
                }
            }
            for (Object out; (out = publicSide.readOutbound()) != null; ) {
                assertThat(out).isInstanceOf(ByteBuf.class);
                answered.writeBytes((ByteBuf) out);
                ((ByteBuf) out).release();
            }
            // The server's preface is a SETTINGS frame, written before anything the client's frames cause.
            assertThat(answered.readableBytes()).as("bytes the edge wrote").isGreaterThanOrEqualTo(9);
            assertThat(answered.getUnsignedByte(3)).as("type of the edge's first frame").isEqualTo((short) SETTINGS);
        } finally {
            answered.release();
            publicSide.finishAndReleaseAll();
            agent.close();
        }
        assertThat(allocator.unreleased()).as("buffers of the connection still held after it closed").isZero();
    }

    /** A request on its way to the agent: a method, an origin-form path, forwarding headers. */
    private static void assertForwardedForm(Http2Headers headers) {
        assertThat(headers.method()).isNotNull();
        if (!"CONNECT".contentEquals(headers.method())) {
            assertThat(headers.path()).isNotNull();
            String path = headers.path().toString();
            assertThat(path.equals("*") || path.startsWith("/")).as("origin form: %s", path).isTrue();
        }
        assertThat(headers.get("x-forwarded-for")).isNotNull();
    }
}
