package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.TestCa;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Floods of HTTP/2 frames from one public client, in cleartext (prior knowledge) and over TLS (ALPN h2): each ends
 * in the GOAWAY code the flood earns, within a bound, and another tunnel on the same edge answers throughout. Every
 * flood is bounded in frames, and a flood the edge never cuts fails rather than runs on.
 */
class PublicHttp2FloodTest {
    private static final String HOST = "app.burrow.test";
    private static final String NEIGHBOUR = "other.burrow.test";
    private static final int MAX_HEADERS = 8192;
    /** Netty allows 200 resets in 30 s on a public connection (Http2Tuning); five times that is a flood. */
    private static final int RESET_FLOOD = 1000;
    /**
     * Batches of 1,000 frames in a flood whose answers the client never reads. It goes on until the edge closes the
     * connection: the kernel may take in tens of MB of it before the edge has read enough to fill its send buffer and
     * then its 10,000 queued control frames (Http2Tuning). 20 million PINGs (340 MB) at most.
     */
    private static final int FLOOD_BATCHES = 20_000;
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /**
     * A bound on a slow, shared machine for the edge to answer a flood, not a speed check: a client that never reads
     * must first fill the edge's socket send buffer (up to 4 MiB, some 460,000 SETTINGS acknowledgements), which
     * took up to 55 s here.
     */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(180);

    /** How the flooding client reaches the edge. */
    enum Transport {
        H2C, H2
    }

    @TempDir
    Path dir;
    TestCa ca;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        ca = new TestCa("Burrow test CA");
        ca.issue("burrow.test", "*.burrow.test").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        harness = new TunnelHarness(dir.resolve("edge"), edge -> edge.maxHeaderSize(MAX_HEADERS)
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("other"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    /**
     * The flooder's connection, from an address of its own: the edge penalizes an address whose connection flooded,
     * and the neighbour's requests come from 127.0.0.1.
     */
    private RawHttp2 connect(Transport transport) throws IOException {
        return connectFrom(transport, 0);
    }

    /** A client whose small receive buffer fills soon once it stops reading, as a flooder's would. */
    private RawHttp2 connectNotReading(Transport transport) throws IOException {
        return connectFrom(transport, RECEIVE_BUFFER);
    }

    private RawHttp2 connectFrom(Transport transport, int receiveBuffer) throws IOException {
        InetAddress flooder = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        return transport == Transport.H2C
                ? RawHttp2.client(RawHttp2.connectFrom(flooder, harness.httpPort(), receiveBuffer))
                : RawHttp2.tls(RawHttp2.connectFrom(flooder, harness.edge.httpsAddress().getPort(), receiveBuffer),
                        ca.certificate, HOST);
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("https").authority(HOST).path(path);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void continuationFloodOfTinyFramesGetsEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            byte[] block = flooder.headerBlock(1, get("/"));
            flooder.frame(RawHttp2.HEADERS, 0, 1, new byte[] {block[0]});
            // One byte of the header block per frame, never ending it: 10,000 frames, far past Netty's 16.
            byte[] tiny = RawHttp2.encode(RawHttp2.CONTINUATION, 0, 1, new byte[] {block[1]});
            floodUntilCut(flooder, tiny, 100, 100);

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void continuationFloodOfFullFramesIsCutAtTheHeaderListLimit(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            flooder.frame(RawHttp2.HEADERS, 0, 1, flooder.headerBlock(1, get("/")));
            // Full 16 KiB frames of a header block that never ends: 16 MiB at most, 2,000 times the limit.
            byte[] full = RawHttp2.encode(RawHttp2.CONTINUATION, 0, 1, new byte[16 * 1024]);
            floodUntilCut(flooder, full, 1, 1000);

            // RFC 9113 section 10.5.1: a header block past the advertised limit may be treated as a connection
            // error; Netty ends the connection once the block passes its GOAWAY threshold, before decoding it.
            assertGoAway(flooder, Http2Error.PROTOCOL_ERROR);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void pingFloodFromAClientThatNeverReadsIsClosed(Transport transport) throws Exception {
        try (RawHttp2 flooder = connectNotReading(transport)) {
            byte[] ping = RawHttp2.encode(RawHttp2.PING, 0, 0, new byte[8]);
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> floodUntilCut(flooder, ping,
                    1000, FLOOD_BATCHES));

            assertNeighbourAnswers();
            assertCutShort(flooder, flood, FLOOD_BATCHES);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void settingsFloodFromAClientThatNeverReadsIsClosed(Transport transport) throws Exception {
        try (RawHttp2 flooder = connectNotReading(transport)) {
            byte[] settings = RawHttp2.encode(RawHttp2.SETTINGS, 0, 0, new byte[0]);
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> floodUntilCut(flooder, settings,
                    1000, FLOOD_BATCHES));

            assertNeighbourAnswers();
            assertCutShort(flooder, flood, FLOOD_BATCHES);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void emptyDataFramesGetEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            flooder.headers(1, post("/count"), false);
            byte[] empty = RawHttp2.encode(RawHttp2.DATA, 0, 1, new byte[0]);
            floodUntilCut(flooder, empty, 100, 100);

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    /** Over h2c, PublicHttp2BadInputTest has it. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = "H2")
    void rapidResetGetsEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            madeToReset(flooder, stream -> RawHttp2.encode(RawHttp2.RST_STREAM, 0, stream,
                    ByteBuffer.allocate(4).putInt((int) Http2Error.CANCEL.code()).array()));

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void zeroWindowUpdatesThatMakeTheEdgeResetStreamsGetEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 9113 section 6.9: an increment of 0 on a stream is a stream error, answered with RST_STREAM.
            madeToReset(flooder, stream -> RawHttp2.encode(RawHttp2.WINDOW_UPDATE, 0, stream, new byte[4]));

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void windowOverflowsThatMakeTheEdgeResetStreamsGetEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 9113 section 6.9.1: a stream window past 2^31-1 is a stream error FLOW_CONTROL_ERROR.
            madeToReset(flooder, stream -> RawHttp2.encode(RawHttp2.WINDOW_UPDATE, 0, stream,
                    ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array()));

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void dataOnHalfClosedStreamsThatMakeTheEdgeResetThemGetsEnhanceYourCalm(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 9113 section 5.1: DATA after END_STREAM is a stream error STREAM_CLOSED.
            madeToReset(flooder, stream -> RawHttp2.encode(RawHttp2.DATA, 0, stream, new byte[] {'x'}));

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void selfDependentPrioritiesThatMakeTheEdgeResetStreamsGetEnhanceYourCalm(Transport transport)
            throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 9113 section 5.3.1: a stream that depends on itself is a stream error PROTOCOL_ERROR; no stream
            // needs to be opened for it, so each reset costs the client one 14-byte frame.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int stream = 1; stream < 2 * RESET_FLOOD; stream += 2) {
                frames.writeBytes(RawHttp2.encode(RawHttp2.PRIORITY, 0, stream,
                        ByteBuffer.allocate(5).putInt(stream).put((byte) 15).array()));
            }
            floodUntilCut(flooder, frames.toByteArray(), 1, 1);

            assertGoAway(flooder, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void windowUpdateFloodOnTheConnectionIsHarmlessAndTheConnectionServesOn(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // Increments of 1 are valid however many come; 200,000 of them leave the window far below 2^31-1.
            byte[] update = RawHttp2.encode(RawHttp2.WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(1).array());
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> floodUntilCut(flooder, update,
                    1000, 200));

            assertNeighbourAnswers();
            await().atMost(ANSWERED_WITHIN).until(flood::isDone);
            assertThat(flood.join()).as("batches written before the edge closed").isEqualTo(200);
            flooder.headers(1, get("/after"), true);
            assertThat(flooder.awaitHeaders(1).status()).hasToString("200");
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aConnectionWindowPushedPastItsMaximumIsAFlowControlError(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 9113 section 6.9.1: the connection's window past 2^31-1 is a connection error FLOW_CONTROL_ERROR.
            byte[] most = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
            flooder.write(RawHttp2.encode(RawHttp2.WINDOW_UPDATE, 0, 0, most));

            assertGoAway(flooder, Http2Error.FLOW_CONTROL_ERROR);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void dynamicTableSizeUpdateAboveTheSettingIsACompressionError(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // RFC 7541 section 6.3: a size update above SETTINGS_HEADER_TABLE_SIZE (4,096 here) is a decoding
            // error, a connection error COMPRESSION_ERROR (RFC 9113 section 4.3). 001 + 31 + varint(2^30 - 31).
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x3f);
            long rest = (1L << 30) - 31;
            while (rest >= 128) {
                block.write((int) (rest % 128) | 0x80);
                rest /= 128;
            }
            block.write((int) rest);
            block.writeBytes(flooder.headerBlock(1, get("/")));
            flooder.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | 0x1, 1, block.toByteArray());

            assertGoAway(flooder, Http2Error.COMPRESSION_ERROR);
        }
        assertNeighbourAnswers();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void headerListBombFromTheDynamicTableGets431AndTheConnectionServesOn(Transport transport) throws Exception {
        try (RawHttp2 flooder = connect(transport)) {
            // One 4,000-byte field goes into the dynamic table with the first request (under the limit, answered);
            // the next block names it 4,000 times by its one-byte index: 4 KiB on the wire, 16 MB decoded. The
            // decoder stops adding fields once past the limit, so the bomb costs the edge no more than its bytes.
            flooder.headers(1, get("/").add("x-bomb", "b".repeat(4000)), true);
            assertThat(flooder.awaitHeaders(1).status()).hasToString("200");
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            bomb.writeBytes(flooder.headerBlock(3, get("/")));
            for (int i = 0; i < 4000; i++) {
                // Indexed field 62: the newest dynamic table entry, the bomb.
                bomb.write(0x80 | 62);
            }
            flooder.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | 0x1, 3, bomb.toByteArray());

            assertThat(flooder.awaitHeaders(3).status()).hasToString("431");
            flooder.headers(5, get("/after"), true);
            assertThat(flooder.awaitHeaders(5).status()).hasToString("200");
        }
        assertNeighbourAnswers();
    }

    private static Http2Headers post(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("https").authority(HOST).path(path);
    }

    /**
     * Opens {@link #RESET_FLOOD} streams, each followed at once by the frame {@code then} makes for it, a frame
     * that ends the stream with a reset by one side or the other; stops early if the edge closes the connection.
     */
    private static void madeToReset(RawHttp2 flooder, IntFunction<byte[]> then) {
        Http2Headers hang = get("/hang");
        try {
            for (int stream = 1; stream < 2 * RESET_FLOOD; stream += 2) {
                ByteArrayOutputStream pair = new ByteArrayOutputStream();
                pair.writeBytes(RawHttp2.encode(RawHttp2.HEADERS, RawHttp2.END_HEADERS | 0x1, stream,
                        flooder.headerBlock(stream, hang)));
                pair.writeBytes(then.apply(stream));
                flooder.write(pair.toByteArray());
            }
        } catch (IOException e) {
            // The edge closed the connection while the flood went on: what a flood should get.
        }
    }

    /**
     * Writes {@code frames} {@code perBatch} times per write, {@code batches} writes at most; stops once the edge
     * closes the connection. Returns the batches written.
     */
    private static int floodUntilCut(RawHttp2 flooder, byte[] frames, int perBatch, int batches) {
        byte[] batch = new byte[frames.length * perBatch];
        for (int i = 0; i < perBatch; i++) {
            System.arraycopy(frames, 0, batch, i * frames.length, frames.length);
        }
        int written = 0;
        try {
            while (written < batches) {
                flooder.write(batch);
                written++;
            }
        } catch (IOException e) {
            // The edge closed the connection while the flood went on: what a flood should get.
        }
        return written;
    }

    /**
     * The edge stopped a flood of frames it must answer, closing the connection, before all of it was written: its
     * answers queued past the limit, so the GOAWAY that says why is dropped with them, and the client reads the
     * answers that were written and then the end.
     */
    private static void assertCutShort(RawHttp2 flooder, CompletableFuture<Integer> flood, int batches)
            throws IOException {
        await().atMost(ANSWERED_WITHIN).until(flood::isDone);
        assertThat(flood.join()).as("batches written before the edge closed").isLessThan(batches);
        assertThat(flooder.closedByEdge()).isTrue();
    }

    /**
     * The edge's GOAWAY carries {@code error}, and the edge closes the connection after it. The edge closes with the
     * rest of the flood unread, so its kernel resets the connection; once in about fifty runs here the reset came
     * before the GOAWAY could be read, which is a closed connection too.
     */
    private static void assertGoAway(RawHttp2 flooder, Http2Error error) throws IOException {
        RawHttp2.Frame goAway;
        try {
            goAway = flooder.await(f -> f.type() == RawHttp2.GOAWAY);
        } catch (SocketException reset) {
            assertThat(reset).hasMessageContaining("reset");
            return;
        }
        assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(error);
        assertThat(flooder.closedByEdge()).isTrue();
    }

    /** Another tunnel on the same edge answers a plain request. */
    private void assertNeighbourAnswers() throws Exception {
        HttpResponse<String> response = harness.get(NEIGHBOUR, "/neighbour");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from upstream /neighbour");
    }
}
