package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An agent that answers with a malformed response: a {@code :status} outside 100-599 (or not a number), a control
 * character in a header value, a body of another length than its content-length. The public client gets the edge's
 * 502, or a body visibly cut, never the malformed answer; the agent's stream is reset.
 */
class AgentBadResponseTest {
    private static final String HOST = "bad.burrow.test";
    private static final List<String> INVALID = List.of("20", "99", "600", "2000000", "abc", "101");

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    FakeAgent agent;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        agent = new FakeAgent(harness.edge.agentAddress().getPort());
        assertThat(agent.hello(harness.token)).contains("\"type\":\"welcome\"");
        assertThat(agent.bindHttp(1, "bad")).contains("\"type\":\"bound\"");
    }

    @AfterEach
    void tearDown() throws IOException {
        agent.close();
        harness.close();
    }

    @Test
    void anHttp1ClientGets502AndTheAgentsStreamIsReset() throws Exception {
        for (String status : INVALID) {
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> http1Get("/" + status));

            int stream = answer(status);

            assertThat(response.get(10, TimeUnit.SECONDS)).as(status).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                    .containsIgnoringCase("burrow-error: agent_bad_response");
            assertThat(resetCode(stream)).as(status).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        }
    }

    @Test
    void anHttp2ClientGets502AndTheAgentsStreamIsReset() throws Exception {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            int clientStream = 1;
            for (String status : INVALID) {
                client.headers(clientStream, new DefaultHttp2Headers().method("GET").scheme("http").authority(HOST)
                        .path("/" + status), true);

                int stream = answer(status);

                Http2Headers answer = client.awaitHeaders(clientStream);
                assertThat(answer.status()).as(status).hasToString("502");
                assertThat(answer.get("burrow-error")).as(status).hasToString("agent_bad_response");
                assertThat(resetCode(stream)).as(status).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
                clientStream += 2;
            }
        }
    }

    @Test
    void aValidStatusOutsideTheRegisteredOnesStillReachesTheClient() throws Exception {
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> http1Get("/teapot"));
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();

        agent.h2.headers(stream, new DefaultHttp2Headers().status("599").set("content-length", "0"), true);

        assertThat(response.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 599 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nset-cookie: injected=1", "a\nset-cookie: injected=1", "a\rb", "a\u0000b"})
    void aControlCharacterInAResponseHeaderValueGets502AndNeverReachesTheClient(String value) throws Exception {
        // RFC 9113 section 8.2.1: such a field is malformed. Written into an HTTP/1.1 head it would split it.
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> http1Get("/split"));
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();

        agent.h2.headers(stream, new DefaultHttp2Headers(false).status("200").set("content-length", "0")
                .set("x-note", value), true);

        assertThat(response.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .doesNotContainIgnoringCase("injected").doesNotContainIgnoringCase("x-note");
        assertThat(resetCode(stream)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 20})
    void aBodyOfAnotherLengthThanItsContentLengthIsCutBeforeItsEnd(int sent) throws Exception {
        // RFC 9113 section 8.1.1: DATA that do not add up to content-length make the response malformed; the client
        // must see it cut, never a short or long body taken for a whole one.
        CompletableFuture<byte[]> response = CompletableFuture.supplyAsync(() -> http1Exchange("/length"));
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();

        agent.h2.headers(stream, new DefaultHttp2Headers().status("200").set("content-length", "10"), false);
        agent.h2.data(stream, "x".repeat(sent).getBytes(StandardCharsets.US_ASCII), true);

        String exchange = new String(response.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
        assertThat(exchange).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: 10\r\n");
        String body = exchange.substring(exchange.indexOf("\r\n\r\n") + 4);
        assertThat(body.length()).isLessThan(10);
        assertThat(resetCode(stream)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    }

    /** Waits for the edge's next request stream and answers its head with {@code status}, a body to follow. */
    private int answer(String status) throws IOException {
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();
        agent.h2.headers(stream, new DefaultHttp2Headers().status(status).set("content-type", "text/plain"), false);
        return stream;
    }

    private long resetCode(int stream) throws IOException {
        return agent.h2.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == stream).errorCode();
    }

    /** Every byte the edge sends in answer to a GET of {@code path}, up to its close of the connection. */
    private byte[] http1Exchange(String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[1024];
            try {
                int n;
                while ((n = in.read(buf)) != -1) {
                    received.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // A reset also ends the exchange; what came before it is what the client saw.
            }
            return received.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The head of the answer to a GET of {@code path}: status line and headers. */
    private String http1Get(String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1) {
                head.append((char) b);
            }
            return head.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
