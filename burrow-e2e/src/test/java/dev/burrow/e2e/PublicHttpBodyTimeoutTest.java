package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.HttpTunnelOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request body that stops or dribbles is cut off by the edge's request-body timeout (a short one here, so that
 * nothing waits long): the client hears 408 and the connection closes, and the stream to the agent is reset, so the
 * agent closes its upstream connection too. A body held back by a slow upstream is not the client's fault and runs
 * on. The upstream is a raw socket, so a test sees exactly when its connection ends.
 */
class PublicHttpBodyTimeoutTest {
    private static final String HOST = "app.burrow.test";
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final int MIN_RATE = 1000;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    LoopbackServer upstream;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    /** The head the upstream read, then the number of body bytes it read before its connection ended. */
    private final CompletableFuture<String> upstreamHead = new CompletableFuture<>();
    private final CompletableFuture<Long> upstreamBodyBytesAtClose = new CompletableFuture<>();

    private void start(LoopbackServer.Connection upstreamBehaviour) throws IOException {
        harness = new TunnelHarness(dataDir, b -> b.requestBodyTimeout(TIMEOUT, MIN_RATE));
        upstream = new LoopbackServer("raw-upstream", upstreamBehaviour);
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    @AfterEach
    void tearDown() throws IOException {
        writer.shutdownNow();
        if (harness != null) {
            harness.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** An upstream that reads the head, then whatever body comes, until the agent closes its connection. */
    private void readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        upstreamHead.complete(readHead(in));
        long body = 0;
        try {
            while (in.read() != -1) {
                body++;
            }
        } finally {
            upstreamBodyBytesAtClose.complete(body);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("the connection ended inside the head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bodyThatStopsGets408AndItsUpstreamConnectionIsClosed() throws Exception {
        start(this::readUntilClosed);
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\nonly ten b");

            // Within the read timeout (10 s), far below the idle timeout (120 s): the body timeout answered.
            RawHttp1.Response response = client.read();

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("burrow-error")).isEqualTo("body_timeout");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            client.assertClosed();
        }
        assertThat(upstreamHead.get(10, TimeUnit.SECONDS)).startsWith("POST /upload HTTP/1.1");
        assertThat(upstreamBodyBytesAtClose.get(10, TimeUnit.SECONDS)).isLessThan(100);
    }

    @Test
    void bodyDribbledSlowerThanTheMinimumRateGets408AndItsUpstreamConnectionIsClosed() throws Exception {
        start(this::readUntilClosed);
        int length = 1000;
        AtomicInteger sent = new AtomicInteger();
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + length + "\r\n\r\n");
            OutputStream out = client.output();
            // One byte every 50 ms: each well inside the timeout, but 20 bytes/s against a minimum of 1000. The
            // whole body would take 50 s; a write that fails once the edge has closed ends the writer.
            writer.scheduleAtFixedRate(() -> {
                if (sent.get() < length) {
                    try {
                        out.write('d');
                        out.flush();
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            RawHttp1.Response response = client.read();

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("burrow-error")).isEqualTo("body_timeout");
            client.assertClosed();
        }
        assertThat(upstreamBodyBytesAtClose.get(10, TimeUnit.SECONDS)).isLessThan(length);
        assertThat(sent.get()).isLessThan(length);
    }

    @Test
    void anHttp2BodyThatStopsGets408AndItsUpstreamConnectionIsClosedWhileTheConnectionServesOn()
            throws Exception {
        start(this::readUntilClosed);
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").authority(HOST).path("/upload")
                    .set("content-length", "100"), false);
            client.data(1, "only ten b".getBytes(StandardCharsets.US_ASCII), false);

            // Within the read timeout (10 s), far below the idle timeout (120 s): the body timeout answered.
            Http2Headers answer = client.awaitHeaders(1);
            assertThat(answer.status().toString()).isEqualTo("408");
            assertThat(answer.get("burrow-error").toString()).isEqualTo("body_timeout");
            assertThat(upstreamHead.get(10, TimeUnit.SECONDS)).startsWith("POST /upload HTTP/1.1");
            assertThat(upstreamBodyBytesAtClose.get(10, TimeUnit.SECONDS)).isLessThan(100);

            client.headers(3, new DefaultHttp2Headers().method("GET").scheme("http").authority("nobody.burrow.test")
                    .path("/"), true);
            assertThat(client.awaitHeaders(3).status().toString()).as("the connection still serves").isEqualTo("404");
        }
    }

    @Test
    void aGrpcClientStreamMayPauseLongerThanTheBodyTimeout() throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        start(socket -> {
            InputStream in = socket.getInputStream();
            readHead(in);
            body.complete(new String(in.readNBytes(20), StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
        });
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").authority(HOST).path("/Chat/Talk")
                    .set("content-type", "application/grpc").set("content-length", "20"), false);
            client.data(1, "first mesg".getBytes(StandardCharsets.US_ASCII), false);
            // The second message comes after three body timeouts: a pause a gRPC client stream may take.
            CompletableFuture<Void> second = new CompletableFuture<>();
            writer.schedule(() -> {
                try {
                    client.data(1, "secnd mesg".getBytes(StandardCharsets.US_ASCII), true);
                    second.complete(null);
                } catch (IOException e) {
                    second.completeExceptionally(e);
                }
            }, TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);

            assertThat(client.awaitHeaders(1).status().toString()).isEqualTo("200");
            second.get(10, TimeUnit.SECONDS);
            assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("first mesgsecnd mesg");
        }
    }

    @Test
    void bodySentAtAFairRateWithPausesIsRelayed() throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        start(socket -> {
            InputStream in = socket.getInputStream();
            readHead(in);
            body.complete(new String(in.readNBytes(300), StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
        });
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 300\r\n\r\n");
            OutputStream out = client.output();
            AtomicInteger parts = new AtomicInteger();
            // 100 bytes every 100 ms: 1000 bytes/s, at the minimum rate, with pauses well inside the timeout.
            writer.scheduleAtFixedRate(() -> {
                int part = parts.getAndIncrement();
                if (part < 3) {
                    try {
                        out.write(Character.toString('a' + part).repeat(100).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 100, 100, TimeUnit.MILLISECONDS);

            RawHttp1.Response response = client.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("a".repeat(100) + "b".repeat(100) + "c".repeat(100));
        }
    }

    @Test
    void timeTheEdgeHoldsTheClientBackForASlowUpstreamDoesNotCount() throws Exception {
        long length = 32L * 1024 * 1024;
        CountDownLatch release = new CountDownLatch(1);
        start(socket -> {
            InputStream in = socket.getInputStream();
            upstreamHead.complete(readHead(in));
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            in.skipNBytes(length);
            String count = Long.toString(length);
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + count.length()
                    + "\r\nConnection: close\r\n\r\n" + count).getBytes(StandardCharsets.ISO_8859_1));
        });
        AtomicLong sent = new AtomicLong();
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + length + "\r\n\r\n");
            OutputStream out = client.output();
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (sent.get() < length) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<RawHttp1.Response> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            upstreamHead.get(10, TimeUnit.SECONDS);

            // The upstream reads nothing: every buffer fills and the edge stops reading the client, which stays
            // held mid-body for several timeouts without an answer.
            await().during(TIMEOUT.multipliedBy(4)).atMost(TIMEOUT.multipliedBy(8)).until(() -> !answer.isDone());
            assertThat(sent.get()).as("bytes the client could send while the upstream read nothing")
                    .isLessThan(length);
            release.countDown();

            upload.get(30, TimeUnit.SECONDS);
            RawHttp1.Response response = answer.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Long.toString(length));
        }
    }
}
