package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a public HTTP/2 client sending more than the edge allows sees: too many streams, too large a header block, a
 * flood of resets, a preface and then silence. Frames are written by hand where no real client would send them.
 */
class PublicHttp2BadInputTest {
    private static final String HOST = "app.burrow.test";
    private static final int MAX_STREAMS = 4;
    private static final int MAX_HEADERS = 4096;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir, b -> b.maxStreamsPerPublicConnection(MAX_STREAMS)
                .maxHeaderSize(MAX_HEADERS).headerReadTimeout(Duration.ofSeconds(1)));
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority(HOST).path(path);
    }

    @Test
    void streamsBeyondTheConnectionLimitAreRefusedAndTheOthersAnswered() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            for (int i = 0; i < MAX_STREAMS; i++) {
                client.headers(1 + 2 * i, get("/hang"), true);
            }
            int oneTooMany = 1 + 2 * MAX_STREAMS;
            client.headers(oneTooMany, get("/hang"), true);

            RawHttp2.Frame refused = client.await(f -> f.type() == RawHttp2.RST_STREAM);
            assertThat(refused.streamId()).isEqualTo(oneTooMany);
            assertThat(refused.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());

            upstream.hangReleased.countDown();
            for (int i = 0; i < MAX_STREAMS; i++) {
                assertThat(client.awaitHeaders(1 + 2 * i).status()).hasToString("200");
            }
        }
    }

    @Test
    void headerBlockOverTheLimitGets431AndTheConnectionServesOn() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, get("/").set("x-big", "a".repeat(MAX_HEADERS + 100)), true);
            assertThat(client.awaitHeaders(1).status()).hasToString("431");

            client.headers(3, get("/after"), true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");
        }
    }

    @Test
    void headerBlockFarOverTheLimitClosesTheConnection() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, get("/").set("x-big", "a".repeat(3 * MAX_HEADERS)), true);

            RawHttp2.Frame goAway = client.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(goAway.errorCode()).isNotEqualTo(Http2Error.NO_ERROR.code());
            assertThat(client.closedByEdge()).isTrue();
        }
    }

    @Test
    void resetFloodGetsGoAwayAndItsAddressIsShutOutWhileOtherClientsAreServed() throws IOException {
        try (RawHttp2 flooder = new RawHttp2(harness.httpPort())) {
            int sent = 0;
            try {
                // Bounded: Netty allows 200 resets per 30 s; well before this many the edge has had enough.
                for (int stream = 1; stream < 2 * 1000; stream += 2) {
                    flooder.headers(stream, get("/"), true);
                    flooder.reset(stream, Http2Error.CANCEL);
                    sent++;
                }
            } catch (IOException e) {
                // The edge closed the connection while we were still sending.
            }

            RawHttp2.Frame goAway = flooder.await(f -> f.type() == RawHttp2.GOAWAY);
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(flooder.closedByEdge()).isTrue();
            assertThat(sent).isGreaterThan(0);
        }
        // The flooder coming back is closed at once, before it can open a stream to the agent again: even a plain
        // request gets no answer.
        try (Socket again = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            again.setSoTimeout(10_000);
            try {
                again.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closedAlready) {
                // The edge closed it before the request went out.
            }
            int answer;
            try {
                answer = again.getInputStream().read();
            } catch (SocketException reset) {
                // Closed with the request unread: the kernel resets rather than ends the connection.
                answer = -1;
            }
            assertThat(answer).as("the first byte of an answer").isEqualTo(-1);
        }
        InetAddress elsewhere = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        try (RawHttp2 other = RawHttp2.client(RawHttp2.connectFrom(elsewhere, harness.httpPort(), 0))) {
            other.headers(1, get("/still-here"), true);
            assertThat(other.awaitHeaders(1).status()).hasToString("200");
        }
    }

    @Test
    void prefaceThenSilenceIsClosedAfterTheHeaderTimeout() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes());
            long start = System.nanoTime();

            // The edge sends its SETTINGS, then closes: nothing more from the client arrived within 1 s.
            assertThat(socket.getInputStream().readAllBytes()).isNotEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void requestWithoutAuthorityOrHostGets400() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").path("/"), true);

            Http2Headers answer = client.awaitHeaders(1);

            assertThat(answer.status()).hasToString("400");
            assertThat(answer.get("burrow-error")).hasToString("bad_host");
        }
    }

    @Test
    void hostThatDisagreesWithAuthorityGets400() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, get("/").add("host", "other.burrow.test"), true);

            assertThat(client.awaitHeaders(1).status()).hasToString("400");
        }
    }

    @Test
    void invalidAuthorityGets400NamingIt() throws IOException {
        Curl.assumeHttp2();

        Curl.Result result = Curl.run(List.of("-sS", "--http2-prior-knowledge", "-D", "-", "-H", "Host: bad_host!",
                "http://127.0.0.1:" + harness.httpPort() + "/"), null);

        assertThat(result.out()).startsWith("HTTP/2 400").contains("burrow-error: bad_host", "bad_host!");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/echo", "https://app.burrow.test/echo", "echo",
            "*", "/a b", "/a\u0080b"})
    void pathThatIsNotAnOriginFormTargetGets400(String path) throws IOException {
        // RFC 9113 section 8.3.1: :path is the target's path and query; an absolute URI there would reach the
        // upstream naming a host the request was not routed by.
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            // Unvalidated, so that control characters are sent as they are.
            client.headers(1, new DefaultHttp2Headers(false).method("GET").scheme("http").authority(HOST).path(path),
                    true);

            Http2Headers answer = client.awaitHeaders(1);

            assertThat(answer.status()).hasToString("400");
            assertThat(answer.get("burrow-error")).hasToString("bad_target");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\u0000b", "/a\rb", "/a\u007fb"})
    void controlCharacterInThePathResetsTheStream(String path) throws IOException {
        // RFC 9113 section 8.2.1: such a field is malformed, a stream error of type PROTOCOL_ERROR.
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers(false).method("GET").scheme("http").authority(HOST).path(path),
                    true);

            RawHttp2.Frame reset = client.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == 1);

            assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nx-injected: 1", "a\nx-injected: 1", "a\rb", "a\u0000b"})
    void controlCharacterInAHeaderValueResetsTheStreamAndNothingReachesTheUpstream(String value) throws IOException {
        // RFC 9113 section 8.2.1: a field value with NUL, LF or CR is malformed, a stream error of type
        // PROTOCOL_ERROR; relayed, it would become a header line of its own on the upstream's HTTP/1.1 connection.
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers(false).method("GET").scheme("http").authority(HOST)
                    .path("/echo").add("x-note", value), true);

            RawHttp2.Frame reset = client.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == 1);
            assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());

            client.headers(3, get("/after"), true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");
        }
        assertThat(upstream.requested).containsExactly("/after");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 20})
    void bodyOfAnotherLengthThanItsContentLengthResetsTheStreamNeverAnsweredAsComplete(int sent)
            throws IOException {
        // RFC 9113 section 8.1.1: DATA whose lengths do not add up to content-length make the request malformed.
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").authority(HOST).path("/count")
                    .set("content-length", "10"), false);
            client.data(1, "x".repeat(sent).getBytes(StandardCharsets.US_ASCII), true);

            RawHttp2.Frame answer = client.await(f -> f.streamId() == 1
                    && (f.type() == RawHttp2.RST_STREAM || f.type() == RawHttp2.HEADERS));
            assertThat(answer.type()).isEqualTo(RawHttp2.RST_STREAM);
            assertThat(answer.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());

            client.headers(3, get("/after"), true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "content-length", "x-forwarded-for"})
    void connectionFieldIsMalformedAndTheConnectionServesOn(String nominated) throws IOException {
        // RFC 9113 section 8.2.2: a request with a connection-specific field is malformed, a stream error.
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers(false).method("GET").scheme("http").authority(HOST).path("/")
                    .add("connection", nominated), true);

            RawHttp2.Frame reset = client.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == 1);
            assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());

            client.headers(3, get("/after"), true);
            assertThat(client.awaitHeaders(3).status()).hasToString("200");
        }
    }

    @Test
    void originFormPathReachesTheUpstreamWithTheRoutedAuthority() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, get("/echo?x=1"), true);

            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            assertThat(body(client, 1).lines()).contains("uri=/echo?x=1", "h:host=" + HOST);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@app.burrow.test", "app.burrow.test:99999"})
    void authorityWithUserinfoOrAPortOutOfRangeGets400(String authority) throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, get("/echo").authority(authority), true);

            Http2Headers answer = client.awaitHeaders(1);

            assertThat(answer.status()).hasToString("400");
            assertThat(answer.get("burrow-error")).hasToString("bad_host");
        }
    }

    /** The body of {@code streamId}'s response, from the DATA frames up to END_STREAM. */
    private static String body(RawHttp2 client, int streamId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawHttp2.Frame frame;
        do {
            frame = client.await(f -> f.streamId() == streamId && f.type() == RawHttp2.DATA);
            body.writeBytes(frame.payload());
        } while (!frame.endStream());
        return body.toString(StandardCharsets.UTF_8);
    }
}
