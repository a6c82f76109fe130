package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that answers with a {@code :status} outside 100-599 (or not a number): the public client gets the
 * edge's 502, never the bad status, and the agent's stream is reset.
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

    /** Waits for the edge's next request stream and answers its head with {@code status}, a body to follow. */
    private int answer(String status) throws IOException {
        int stream = agent.h2.await(f -> f.type() == RawHttp2.HEADERS && f.streamId() != agent.control).streamId();
        agent.h2.headers(stream, new DefaultHttp2Headers().status(status).set("content-type", "text/plain"), false);
        return stream;
    }

    private long resetCode(int stream) throws IOException {
        return agent.h2.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == stream).errorCode();
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
