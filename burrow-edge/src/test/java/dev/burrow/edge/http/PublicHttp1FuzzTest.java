package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * Bytes from anyone on the internet, into the edge's public HTTP/1.1 pipeline as {@link PublicHttpInitializer#addHttp1}
 * assembles it (the prior-knowledge detector, the strict bounded decoder, the relay), with a tunnel on an in-memory
 * agent connection serving every host. Whatever the bytes: nothing the pipeline throws goes unhandled, the client gets
 * HTTP/1.1 responses or nothing (the connection closed, or waiting for more), a request that reaches the agent is one
 * the edge has brought to its form, and once the connection is gone every buffer it allocated has been released.
 */
class PublicHttp1FuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40000);

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
            publicSide.config().setAutoRead(false);
            ClientAddress.set(publicSide, CLIENT, new InetSocketAddress("198.51.100.1", 80));
            PublicHttpInitializer.addHttp1(publicSide.pipeline(), edge, PublicConnection.PLAIN);
            publicSide.register();

            ByteBuf in = allocator.buffer(input.length).writeBytes(input);
            publicSide.writeInbound(in);
            publicSide.runPendingTasks();
            agent.channel.runPendingTasks();
            publicSide.runPendingTasks();
            publicSide.checkException();

            Set<Integer> opened = new HashSet<>();
            for (EmbeddedAgentConnection.Frame frame : agent.sent()) {
                // A stream's first HEADERS carry the request; later ones, its trailers.
                if (frame.type() == EmbeddedAgentConnection.HEADERS && opened.add(frame.streamId())) {
                    assertForwardedForm(frame.headers());
                }
            }
            for (Object out; (out = publicSide.readOutbound()) != null; ) {
                assertThat(out).isInstanceOf(ByteBuf.class);
                answered.writeBytes((ByteBuf) out);
                ((ByteBuf) out).release();
            }
            if (answered.isReadable() && !startsWithPreface(input)) {
                assertThat(answered.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 ");
            }
        } finally {
            answered.release();
            publicSide.finishAndReleaseAll();
            agent.close();
        }
        assertThat(allocator.unreleased()).as("buffers of the connection still held after it closed").isZero();
    }

    /** A request on its way to the agent: a method, an origin-form path, the tunnel's host, forwarding headers. */
    private static void assertForwardedForm(Http2Headers headers) {
        assertThat(headers.method()).isNotNull();
        if (!"CONNECT".contentEquals(headers.method())) {
            assertThat(headers.path()).isNotNull();
            String path = headers.path().toString();
            assertThat(path.equals("*") || path.startsWith("/")).as("origin form: %s", path).isTrue();
        }
        assertThat(headers.get("x-forwarded-for")).isNotNull();
    }

    private static boolean startsWithPreface(byte[] input) {
        ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
        try {
            int length = Math.min(input.length, preface.readableBytes());
            return length > 0 && ByteBufUtil.equals(Unpooled.wrappedBuffer(input, 0, length), 0, preface, 0,
                    length) && input.length >= preface.readableBytes();
        } finally {
            preface.release();
        }
    }
}
