package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.Edge;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An edge's drain as a slow client sees it. The drain starts once the client has the first bytes of a download it
 * reads at a bounded rate through a small receive window, so most of the response is still on its way: with a
 * grace long enough, every byte arrives and the drain ends on its own once it has; with a grace too short, the
 * response is cut so that it cannot pass for whole.
 */
class DrainTest {
    /**
     * HTTP/1.1: the edge's kernel may take in a few MB on loopback whatever the client's window, so the body outgrows
     * that; the download takes about four seconds.
     */
    private static final Pace HTTP1 = new Pace(8 * 1024 * 1024, 2 * 1024 * 1024);
    /** HTTP/2: the client's 64 KiB window bounds what the edge sends ahead; the download takes about four seconds. */
    private static final Pace HTTP2 = new Pace(2 * 1024 * 1024, 512 * 1024);
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);
    private static final Duration SHORT_GRACE = Duration.ofMillis(300);
    /** A bound on a slow machine for one read or for the drain to return, not a speed check. */
    private static final int TIMEOUT_MS = 20_000;
    private static final String GRACE_OVER = "grace period over, cutting exchanges";

    private enum End { COMPLETE, CLOSED, RESET }

    /** How much the client downloads, and how fast at most it reads. */
    private record Pace(int size, int bytesPerSecond) {
    }

    /** What the client got: the length the response announced, the bytes that came, and how the body ended. */
    private record Download(long announced, long received, boolean intact, End end) {
    }

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    String hostname;
    final ListAppender<ILoggingEvent> edgeLog = new ListAppender<>();
    CompletableFuture<Void> drained;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        hostname = harness.startAgent(harness.agentBuilder().reconnect(false))
                .http(HttpTunnelOptions.to(Integer.toString(upstream.port()))).hostname();
        edgeLog.start();
        ((Logger) LoggerFactory.getLogger(Edge.class)).addAppender(edgeLog);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(Edge.class)).detachAppender(edgeLog);
        harness.close();
        upstream.close();
    }

    @Test
    void aSlowHttp1ClientGetsTheWholeResponseBeforeTheDrainEnds() throws Exception {
        Download download = http1Download(LONG_GRACE);

        assertThat(download).isEqualTo(new Download(HTTP1.size(), HTTP1.size(), true, End.CLOSED));
        assertDrainEndedOnItsOwn();
    }

    @Test
    void aSlowHttp1ClientSeesACutWhenTheGraceRunsOut() throws Exception {
        Download download = http1Download(SHORT_GRACE);

        assertThat(download.announced()).isEqualTo(HTTP1.size());
        assertThat(download.received()).isLessThan(HTTP1.size());
        assertThat(download.intact()).isTrue();
        assertThat(download.end()).isIn(End.CLOSED, End.RESET);
        assertDrainCutAtItsDeadline();
    }

    @Test
    void aSlowHttp2ClientGetsTheWholeResponseBeforeTheDrainEnds() throws Exception {
        Download download = http2Download(LONG_GRACE);

        assertThat(download).isEqualTo(new Download(HTTP2.size(), HTTP2.size(), true, End.COMPLETE));
        assertDrainEndedOnItsOwn();
    }

    @Test
    void aSlowHttp2ClientSeesACutWhenTheGraceRunsOut() throws Exception {
        Download download = http2Download(SHORT_GRACE);

        assertThat(download.received()).isLessThan(HTTP2.size());
        assertThat(download.intact()).isTrue();
        assertThat(download.end()).isIn(End.CLOSED, End.RESET);
        assertDrainCutAtItsDeadline();
    }

    private void assertDrainEndedOnItsOwn() throws Exception {
        drained.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(harness.edge.onClose()).isDone();
        assertThat(edgeLog.list).extracting(ILoggingEvent::getFormattedMessage).doesNotContain(GRACE_OVER);
    }

    private void assertDrainCutAtItsDeadline() throws Exception {
        drained.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(harness.edge.onClose()).isDone();
        assertThat(edgeLog.list).extracting(ILoggingEvent::getFormattedMessage).contains(GRACE_OVER);
    }

    /** A GET on HTTP/1.1, read to the connection's end; the drain starts with the body's first bytes. */
    private Download http1Download(Duration grace) throws IOException {
        try (Socket socket = new Socket()) {
            // A small window keeps most of what the client has yet to read at the edge, not in the client's kernel.
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", harness.httpPort()), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(("GET /bytes/" + HTTP1.size() + " HTTP/1.1\r\nHost: " + hostname + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            long announced = contentLength(in);
            SlowReader body = new SlowReader(HTTP1, grace);
            byte[] buf = new byte[16 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) != -1) {
                    body.took(buf, n);
                }
                return body.download(announced, End.CLOSED);
            } catch (SocketException e) {
                return body.download(announced, End.RESET);
            }
        }
    }

    /** A GET on HTTP/2, its window given back only as the client reads; the drain starts with the first bytes. */
    private Download http2Download(Duration grace) throws Exception {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.readTimeout(TIMEOUT_MS);
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority(hostname)
                    .path("/bytes/" + HTTP2.size()), true);
            assertThat(client.awaitHeaders(1).status().toString()).isEqualTo("200");
            SlowReader body = new SlowReader(HTTP2, grace);
            long announced = HTTP2.size();
            try {
                while (true) {
                    RawHttp2.Frame frame = client.read();
                    if (frame.streamId() != 1) {
                        continue;
                    }
                    if (frame.type() == RawHttp2.RST_STREAM) {
                        return body.download(announced, End.RESET);
                    }
                    if (frame.type() == RawHttp2.DATA) {
                        body.took(frame.payload(), frame.payload().length);
                        if (frame.endStream()) {
                            return body.download(announced, End.COMPLETE);
                        }
                        if (frame.payload().length > 0) {
                            client.windowUpdate(0, frame.payload().length);
                            client.windowUpdate(1, frame.payload().length);
                        }
                    }
                }
            } catch (EOFException e) {
                return body.download(announced, End.CLOSED);
            } catch (SocketException e) {
                return body.download(announced, End.RESET);
            }
        }
    }

    /** Reads a response head; returns its Content-Length after checking the status is 200. */
    private static long contentLength(InputStream in) throws IOException {
        assertThat(line(in)).startsWith("HTTP/1.1 200 ");
        long length = -1;
        String line;
        while (!(line = line(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return length;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new EOFException("the response head ended early");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /**
     * Takes a body's bytes no faster than its pace allows, checking each against the upstream's pattern (byte at
     * offset i is i mod 256), and starts the edge's drain with the first bytes.
     */
    private final class SlowReader {
        private final Pace pace;
        private final Duration grace;
        private final long start = System.nanoTime();
        private long received;
        private boolean intact = true;

        SlowReader(Pace pace, Duration grace) {
            this.pace = pace;
            this.grace = grace;
        }

        void took(byte[] bytes, int count) {
            for (int i = 0; i < count; i++) {
                intact &= bytes[i] == (byte) (received + i);
            }
            received += count;
            if (drained == null && received > 0) {
                drained = CompletableFuture.runAsync(() -> harness.edge.drain(grace));
            }
            // Pacing, not waiting for anything: the client reads no faster than its rate.
            long ahead = start + received * 1_000_000_000L / pace.bytesPerSecond() - System.nanoTime();
            if (ahead > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        Download download(long announced, End end) {
            return new Download(announced, received, intact, end);
        }
    }
}
