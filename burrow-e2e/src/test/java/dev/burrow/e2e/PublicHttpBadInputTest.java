package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.EdgeConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client sending malformed, oversized, slow or unusual HTTP/1.1 sees from the edge's public listener. Every
 * test talks raw bytes over a socket, so nothing between the test and the edge repairs the request.
 */
class PublicHttpBadInputTest {
    private static final String HOST = "app.burrow.test";
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    private final List<Socket> sockets = new ArrayList<>();

    /** An edge with small parsing limits, an agent, and a tunnel bound at {@link #HOST}. */
    private void start(UnaryOperator<EdgeConfig.Builder> settings) throws IOException {
        harness = new TunnelHarness(dataDir, b -> settings.apply(b.maxInitialLineLength(1024).maxHeaderSize(4096)));
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    private void start() throws IOException {
        start(b -> b);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket socket : sockets) {
            Response.STREAMS.remove(socket);
            socket.close();
        }
        if (harness != null) {
            harness.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    // ---- limits ----

    @Test
    void requestLineLongerThanLimitGets414AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 414 ");
        assertThat(response.header("burrow-error")).isEqualTo("uri_too_long");
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertClosed(socket);
    }

    @Test
    void requestLineJustUnderLimitIsRelayed() throws IOException {
        start();
        Socket socket = connect();
        String path = "/" + "a".repeat(900);
        send(socket, "GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).isEqualTo("hello from upstream " + path);
    }

    @Test
    void oneHeaderLargerThanLimitGets431AndClose() throws IOException {
        // A limit small enough that the whole request arrives in the edge's first read.
        start(b -> b.maxHeaderSize(1024));
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "b".repeat(1500) + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 431 ");
        assertThat(response.header("burrow-error")).isEqualTo("headers_too_large");
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertClosed(socket);
    }

    @Test
    void manySmallHeadersAddingUpPastLimitGet431AndClose() throws IOException {
        start(b -> b.maxHeaderSize(1024));
        Socket socket = connect();
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n");
        for (int i = 0; i < 120; i++) {
            request.append("X-H").append(i).append(": v").append(i).append("\r\n");
        }
        send(socket, request.append("\r\n").toString());

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 431 ");
        assertClosed(socket);
    }

    @Test
    void headersLargerThanLimitArrivingInSeveralReadsGet431AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "b".repeat(6000) + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 431 ");
        assertClosed(socket);
    }

    @Test
    void requestWithHeadersSpanningSeveralReadsIsRelayed() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Pad: " + "p".repeat(3000) + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).contains("h:x-pad=ppp");
    }

    @Test
    void requestLineAndHeadersInSeparatePacketsAreRelayed() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /split HTTP/1.1\r\n");
        expectNothingFor(socket, Duration.ofMillis(300));
        send(socket, "Host: " + HOST + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).isEqualTo("hello from upstream /split");
    }

    @Test
    void bodyArrivingInSeveralPacketsIsRelayed() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 10\r\n\r\n");
        expectNothingFor(socket, Duration.ofMillis(300));
        send(socket, "01234");
        expectNothingFor(socket, Duration.ofMillis(300));
        send(socket, "56789");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).contains("body=0123456789");
    }

    @Test
    void largeUploadIsRelayed() throws IOException {
        start();
        Socket socket = connect();
        int size = 1_000_000;
        send(socket, "POST /count HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + size + "\r\n\r\n"
                + "u".repeat(size));

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).isEqualTo(Integer.toString(size));
    }

    // ---- malformed requests ----

    @ParameterizedTest
    @ValueSource(strings = {
            "this is not http\r\n\r\n",
            "HELLO\r\n\r\n",
            "GET /\r\n\r\n",
            "GET / HTTP/9.9x\r\nHost: app.burrow.test\r\n\r\n",
            "G(T / HTTP/1.1\r\nHost: app.burrow.test\r\n\r\n",
            "GET / HTTP/1.1 extra\r\nHost: app.burrow.test\r\n\r\n",
    })
    void garbageRequestLineGets400AndClose(String raw) throws IOException {
        start();
        Socket socket = connect();
        send(socket, raw);

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).doesNotContain("hello from upstream");
        assertClosed(socket);
    }

    @Test
    void binaryGarbageGets400AndClose() throws IOException {
        start();
        Socket socket = connect();
        // A TLS ClientHello's first bytes, as a browser sends to an http:// port it thinks is https.
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, '\r', '\n', '\r',
                '\n'};
        socket.getOutputStream().write(hello);
        socket.getOutputStream().flush();

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertClosed(socket);
    }

    @Test
    void http11WithoutHostGets400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.header("burrow-error")).isEqualTo("bad_host");
        assertThat(response.body).contains("no Host header");
        assertClosed(socket);
    }

    @Test
    void twoHostHeadersGet400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nHost: other.burrow.test\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).contains("more than one Host header").doesNotContain("hello from upstream");
        assertClosed(socket);
    }

    @Test
    void twoIdenticalHostHeadersGet400() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nHost: " + HOST + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertClosed(socket);
    }

    @Test
    void contentLengthWithTransferEncodingGets400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).doesNotContain("method=POST");
        assertClosed(socket);
    }

    @Test
    void twoDifferentContentLengthsGet400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                + "hello!");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).doesNotContain("method=POST");
        assertClosed(socket);
    }

    @Test
    void twoDifferentContentLengthsInOneHeaderGet400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5, 6\r\n\r\nhello!");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertClosed(socket);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked, identity", "xchunked", "gzip, chunked", "identity", "chunked, chunked", "foo"})
    void transferEncodingOtherThanPlainChunkedGets400Or501AndClose(String coding) throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: " + coding + "\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).matches("HTTP/1\\.1 (400|501) .*");
        assertThat(response.body).doesNotContain("method=POST");
        assertClosed(socket);
    }

    @Test
    void transferEncodingSplitOverTwoHeaderLinesGets400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).matches("HTTP/1\\.1 (400|501) .*");
        assertThat(response.body).doesNotContain("method=POST");
        assertClosed(socket);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "zz\r\nhello\r\n0\r\n\r\n",
            "5\r\nhello\r\nzz\r\n\r\n0\r\n\r\n",
            "ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
            "-5\r\nhello\r\n0\r\n\r\n",
            // A chunk-size line ended by a bare LF.
            "5\nhello\r\n0\r\n\r\n",
    })
    void badChunkSizeIsNeverForwardedAsCompleteBody(String chunks) throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);

        // Either a 400 from the edge, or the connection cut; never the upstream's answer to a complete request.
        Response response = Response.readOrNull(socket);
        if (response != null) {
            assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
            assertThat(response.body).doesNotContain("method=POST");
        }
        assertClosed(socket);
    }

    @Test
    void wellFormedChunkedBodyIsRelayed() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.body).contains("method=POST", "body=hello world");
    }

    @Test
    void spaceBeforeColonInHeaderGets400AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo : bar\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).doesNotContain("method=GET");
        assertClosed(socket);
    }

    @Test
    void obsoleteLineFoldingIsRejectedOrUnfolded() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo: bar\r\n  folded\r\n\r\n");

        Response response = Response.read(socket);

        // RFC 9112, section 5.2: reject with 400, or replace the fold with spaces before forwarding.
        if (response.statusLine.startsWith("HTTP/1.1 400 ")) {
            assertClosed(socket);
        } else {
            assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
            assertThat(response.body).containsPattern("h:x-foo=bar +folded\n").doesNotContain("h:  folded");
        }
    }

    // ---- routing and upgrades ----

    @Test
    void h2cUpgradeIsStrippedAndAnsweredAsPlainHttp11() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.header("upgrade")).isNull();
        assertThat(response.body).contains("method=GET", "uri=/echo")
                .doesNotContain("h:upgrade=", "h:http2-settings=", "h:connection=", "h2c");

        // Still plain HTTP/1.1 on the same connection: a second request is answered normally.
        send(socket, "GET /second HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        Response second = Response.read(socket);
        assertThat(second.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(second.body).isEqualTo("hello from upstream /second");
    }

    @Test
    void unknownHostGets404PageNamingTheHostNeverAnotherTunnel() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: Nothing-Here.burrow.test:8080\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 404 ");
        assertThat(response.header("content-type")).startsWith("text/html");
        assertThat(response.header("burrow-error")).isEqualTo("tunnel_not_found");
        assertThat(response.body).contains("<code>nothing-here.burrow.test</code>")
                .doesNotContain("hello from upstream");
    }

    @Test
    void unknownHostWithBodyGets404AndClose() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "POST / HTTP/1.1\r\nHost: nobody.burrow.test\r\nContent-Length: 4\r\n\r\nbody");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 404 ");
        assertThat(response.body).contains("<code>nobody.burrow.test</code>");
        assertClosed(socket);
    }

    @Test
    void connectionStaysUsableAfterA404() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: nothing-here.burrow.test\r\n\r\n");
        Response first = Response.read(socket);
        assertThat(first.statusLine).startsWith("HTTP/1.1 404 ");
        assertThat(first.header("connection")).isNull();

        send(socket, "GET /after HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        Response second = Response.read(socket);

        assertThat(second.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(second.body).isEqualTo("hello from upstream /after");
    }

    @Test
    void pipelinedRequestAfterA404IsRouted() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: nothing-here.burrow.test\r\n\r\n"
                + "GET /after HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        Response first = Response.read(socket);
        Response second = Response.read(socket);

        assertThat(first.statusLine).startsWith("HTTP/1.1 404 ");
        assertThat(second.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(second.body).isEqualTo("hello from upstream /after");
    }

    @Test
    void invalidHostGets400WithTheHostEscapedInThePage() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: a<script>x</script>.burrow.test\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).contains("a&lt;script&gt;x&lt;/script&gt;.burrow.test")
                .doesNotContain("<script>");
        assertClosed(socket);
    }

    @Test
    void hostWithBadPortGets400() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET / HTTP/1.1\r\nHost: " + HOST + ":80x\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).startsWith("HTTP/1.1 400 ");
        assertThat(response.body).doesNotContain("hello from upstream");
        assertClosed(socket);
    }

    // ---- timeouts ----

    @Test
    void partialRequestLineThenSilenceGets408OrCloseWithinHeaderTimeout() throws IOException {
        start(b -> b.headerReadTimeout(Duration.ofMillis(500)));
        Socket socket = connect();
        long started = System.nanoTime();
        send(socket, "GET /slow HTT");

        Response response = Response.readOrNull(socket);
        if (response != null) {
            assertThat(response.statusLine).startsWith("HTTP/1.1 408 ");
        }
        assertClosed(socket);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400),
                Duration.ofSeconds(5));
    }

    @Test
    void headersDribbledByteByByteAreCutOffAtTheHeaderTimeout() throws IOException {
        start(b -> b.headerReadTimeout(Duration.ofMillis(500)));
        Socket socket = connect();
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n" + "X-Slow: " + "s".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        try {
            // One byte every 50 ms: the whole request would take over 12 s, each byte well inside any idle timeout.
            dribbler.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i < request.length) {
                    try {
                        out.write(request[i]);
                        out.flush();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            Response response = Response.readOrNull(socket);
            if (response != null) {
                assertThat(response.statusLine).startsWith("HTTP/1.1 408 ");
            }
            assertClosed(socket);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(next.get()).isLessThan(request.length);
        } finally {
            dribbler.shutdownNow();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws IOException {
        start(b -> b.idleTimeout(Duration.ofSeconds(1)));
        Socket socket = connect();
        send(socket, "GET /first HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        Response response = Response.read(socket);
        assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(response.header("connection")).isNull();
        long answered = System.nanoTime();

        assertClosed(socket);
        assertThat(Duration.ofNanos(System.nanoTime() - answered)).isBetween(Duration.ofMillis(500),
                Duration.ofSeconds(5));
    }

    @Test
    void connectionThatNeverSendsAByteIsClosedAfterIdleTimeout() throws IOException {
        start(b -> b.idleTimeout(Duration.ofSeconds(1)));
        Socket socket = connect();
        long opened = System.nanoTime();

        assertClosed(socket);
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isBetween(Duration.ofMillis(500),
                Duration.ofSeconds(5));
    }

    @Test
    void bodyStoppingHalfWayIsClosedAfterIdleTimeout() throws IOException {
        start(b -> b.idleTimeout(Duration.ofSeconds(1)));
        Socket socket = connect();
        send(socket, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\nonly ten b");
        long sent = System.nanoTime();

        Response response = Response.readOrNull(socket);

        if (response != null) {
            assertThat(response.statusLine).startsWith("HTTP/1.1 408 ");
        }
        assertClosed(socket);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isBetween(Duration.ofMillis(500),
                Duration.ofSeconds(5));
    }

    // ---- well-formed but unusual ----

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /first HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 6\r\n\r\nsecond"
                + "GET /third HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");

        Response first = Response.read(socket);
        Response second = Response.read(socket);
        Response third = Response.read(socket);

        assertThat(first.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(first.body).isEqualTo("hello from upstream /first");
        assertThat(second.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(second.body).contains("method=POST", "body=second");
        assertThat(third.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(third.body).isEqualTo("hello from upstream /third");
        assertThat(third.header("connection")).isEqualToIgnoringCase("close");
        assertClosed(socket);
    }

    @Test
    void manyPipelinedRequestsAreAllAnsweredInOrder() throws IOException {
        start();
        Socket socket = connect();
        int count = 50;
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append("GET /n").append(i).append(" HTTP/1.1\r\nHost: ").append(HOST).append("\r\n\r\n");
        }
        send(socket, requests.toString());

        for (int i = 0; i < count; i++) {
            Response response = Response.read(socket);
            assertThat(response.statusLine).startsWith("HTTP/1.1 200 ");
            assertThat(response.body).isEqualTo("hello from upstream /n" + i);
        }
    }

    @Test
    void pipelinedRequestsBehindASlowOneWaitInTheSocketAndTooManyEndTheConnection() throws Exception {
        start();
        Socket socket = connect();
        send(socket, "GET /hang HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requested.contains("/hang"));
        // 32 MiB of pipelined requests, far more than the sockets' buffers hold: the write can only finish if the
        // edge reads them while the first is unanswered, into its heap.
        String more = "GET /more HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
        byte[] requests = more.repeat(32 * 1024 * 1024 / more.length()).getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(requests);
            } catch (IOException closedByTheEdge) {
                throw new UncheckedIOException(closedByTheEdge);
            }
        });

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !writer.isDone());
        assertThat(upstream.requested).containsExactly("/hang");

        upstream.hangReleased.countDown();
        assertThat(Response.read(socket).body).isEqualTo("released");
        // Requests decoded and not yet answered are bounded (the codec's pipeline depth); a read that brings more
        // ends the connection. Those answered before are whole, each in its turn.
        int answered = 0;
        Response next;
        while (answered < 10_000 && (next = Response.readOrNull(socket)) != null) {
            assertThat(next.body).isEqualTo("hello from upstream /more");
            answered++;
        }
        assertClosed(socket);
        assertThat(answered).isLessThan(10_000);
    }

    @Test
    void headGetsHeadersWithoutBody() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "HEAD /thing HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        Response head = Response.read(socket, true);
        assertThat(head.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(head.header("content-type")).isEqualTo("text/plain; charset=utf-8");

        // Had any body bytes followed the HEAD response, they would now be read as the next status line.
        send(socket, "GET /after HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        Response next = Response.read(socket);
        assertThat(next.statusLine).startsWith("HTTP/1.1 200 ");
        assertThat(next.body).isEqualTo("hello from upstream /after");
    }

    @Test
    void headToUnknownHostGets404WithoutBody() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "HEAD / HTTP/1.1\r\nHost: nobody.burrow.test\r\nConnection: close\r\n\r\n");

        Response head = Response.read(socket, true);

        assertThat(head.statusLine).startsWith("HTTP/1.1 404 ");
        // Nothing may follow the headers: a body byte would fail here.
        assertClosed(socket);
    }

    @Test
    void http10WithoutKeepAliveGetsConnectionCloseAndEof() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /old HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");

        Response response = Response.read(socket);

        assertThat(response.statusLine).matches("HTTP/1\\.[01] 200 .*");
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(response.header("transfer-encoding")).isNull();
        assertThat(response.body).isEqualTo("hello from upstream /old");
        assertClosed(socket);
    }

    @Test
    void http10WithKeepAliveKeepsTheConnection() throws IOException {
        start();
        Socket socket = connect();
        send(socket, "GET /one HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n");

        Response first = Response.read(socket);
        assertThat(first.statusLine).matches("HTTP/1\\.[01] 200 .*");
        assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
        assertThat(first.body).isEqualTo("hello from upstream /one");

        send(socket, "GET /two HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
        Response second = Response.read(socket);
        assertThat(second.body).isEqualTo("hello from upstream /two");
        assertThat(second.header("connection")).isEqualToIgnoringCase("close");
        assertClosed(socket);
    }

    // ---- raw socket helpers ----

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", harness.httpPort());
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        sockets.add(socket);
        return socket;
    }

    private static void send(Socket socket, String raw) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Asserts the edge sends nothing for a while, which also lets the next write arrive as a separate read. */
    private static void expectNothingFor(Socket socket, Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        try {
            int b = Response.in(socket).read();
            fail("expected silence from the edge, got " + (b == -1 ? "end of stream" : "byte " + b));
        } catch (SocketTimeoutException expected) {
            // silence, as wanted
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    /**
     * Asserts the edge closed the connection: a read sees the end of the stream (or a reset, which also means
     * closed) before the socket's read timeout. Bytes still unread are a failure: nothing may follow the answer.
     */
    private static void assertClosed(Socket socket) throws IOException {
        InputStream in = Response.in(socket);
        try {
            int b = in.read();
            if (b != -1) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 200));
                fail("expected the connection to be closed, but more bytes followed: "
                        + (char) b + new String(rest, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            fail("the edge left the connection open for " + READ_TIMEOUT_MILLIS + " ms");
        } catch (SocketException e) {
            assertThat(e.getMessage()).containsIgnoringCase("reset");
        }
    }

    /** One HTTP/1.1 response, read off the raw socket by its own framing. */
    static final class Response {
        private static final Map<Socket, InputStream> STREAMS = new java.util.concurrent.ConcurrentHashMap<>();

        final String statusLine;
        final Map<String, String> headers;
        final String body;

        private Response(String statusLine, Map<String, String> headers, String body) {
            this.statusLine = statusLine;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        static InputStream in(Socket socket) {
            return STREAMS.computeIfAbsent(socket, s -> {
                try {
                    return new BufferedInputStream(s.getInputStream());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }

        static Response read(Socket socket) throws IOException {
            return read(socket, false);
        }

        static Response read(Socket socket, boolean head) throws IOException {
            Response response = readOrNull(socket, head);
            if (response == null) {
                fail("the edge closed the connection without answering");
            }
            return response;
        }

        /** @return the response, or null if the connection ended (or was reset) before a status line arrived */
        static Response readOrNull(Socket socket) throws IOException {
            return readOrNull(socket, false);
        }

        private static Response readOrNull(Socket socket, boolean head) throws IOException {
            RawHttp1.Response response;
            try {
                response = RawHttp1.parse(in(socket), head);
            } catch (SocketException e) {
                if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                    return null;
                }
                throw e;
            } catch (SocketTimeoutException e) {
                fail("no answer from the edge within " + READ_TIMEOUT_MILLIS + " ms");
                return null;
            }
            return response == null ? null : new Response(response.statusLine(), response.headers(), response.body());
        }
    }
}
