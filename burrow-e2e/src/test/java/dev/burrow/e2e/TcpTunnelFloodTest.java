package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow readers on TCP tunnel ports: public clients that never read what the upstream sends, and an upstream that
 * never reads what a client sends. What neither end reads is held back at its writer by TCP and HTTP/2 flow control,
 * not piled up in the edge or the agent: the writer stops within a bounded number of bytes, another tunnel on the
 * same edge carries data throughout, and once the clients go, every connection and buffer is released.
 * (A slow writer is no flood on a TCP tunnel: a quiet SSH session is one. docs/security.md section 4 says so.)
 */
class TcpTunnelFloodTest {
    private static final int CLIENTS = 8;
    /**
     * What may be in flight on one connection when nobody reads: the socket buffers of the four TCP connections a
     * tunnel crosses (Linux grows a loopback receive buffer to 6 MiB and a send buffer to 4 MiB), the edge's and the
     * agent's write queues up to their high water marks, and the tunnel stream's HTTP/2 window. An edge that buffered
     * without bound would pass this within seconds of a 64 KiB-a-write firehose.
     */
    private static final long IN_FLIGHT_BOUND = 64L << 20;
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    Agent agent;
    FaultWatch watch;

    @BeforeEach
    void setUp() throws IOException {
        PortRange ports = TcpTunnelTest.freeRange(2);
        watch = new FaultWatch();
        harness = new TunnelHarness(dataDir, edge -> edge.tcpPorts(ports));
        agent = harness.startAgent();
    }

    /** Once edge and agent are gone, so is every descriptor and buffer the flood took. */
    @AfterEach
    void tearDown() {
        harness.close();
        try {
            watch.assertClean();
        } finally {
            watch.close();
        }
    }

    @Test
    void clientsThatNeverReadHoldTheUpstreamBackWhileAnotherTunnelCarriesData() throws Exception {
        List<AtomicLong> written = new ArrayList<>();
        AtomicInteger ended = new AtomicInteger();
        try (LoopbackServer firehose = new LoopbackServer("firehose", socket -> {
                    AtomicLong count = new AtomicLong();
                    synchronized (written) {
                        written.add(count);
                    }
                    writeUntilRefused(socket.getOutputStream(), count, ended);
                });
                LoopbackServer echo = new LoopbackServer("echo", TcpTunnelFloodTest::echo)) {
            int floodPort = agent.tcp(TcpTunnelOptions.to(Integer.toString(firehose.port()))).port();
            int neighbourPort = agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))).port();

            List<Socket> readers = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    readers.add(connect(floodPort));
                }
                await().atMost(WITHIN).until(() -> sizeOf(written) == CLIENTS);
                awaitStill(() -> sum(written));
                assertEchoes(neighbourPort);

                synchronized (written) {
                    for (AtomicLong count : written) {
                        assertThat(count.get()).as("bytes the upstream could write to a client that never reads")
                                .isPositive().isLessThan(IN_FLIGHT_BOUND);
                    }
                }
            } finally {
                for (Socket reader : readers) {
                    reader.close();
                }
            }
            // The clients' ends reach the upstream: every firehose write fails and its connection ends.
            await().atMost(WITHIN).until(() -> ended.get() == CLIENTS);
            assertEchoes(neighbourPort);
        }
    }

    @Test
    void anUpstreamThatNeverReadsHoldsTheClientsBackWhileAnotherTunnelCarriesData() throws Exception {
        List<Socket> held = new ArrayList<>();
        CountDownLatch released = new CountDownLatch(1);
        try (LoopbackServer deaf = new LoopbackServer("never-reads", socket -> {
                    synchronized (held) {
                        held.add(socket);
                    }
                    awaitQuietly(released);
                });
                LoopbackServer echo = new LoopbackServer("echo", TcpTunnelFloodTest::echo)) {
            int floodPort = agent.tcp(TcpTunnelOptions.to(Integer.toString(deaf.port()))).port();
            int neighbourPort = agent.tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))).port();

            List<AtomicLong> sent = new ArrayList<>();
            List<Socket> writers = new ArrayList<>();
            AtomicInteger refused = new AtomicInteger();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket writer = connect(floodPort);
                    AtomicLong count = new AtomicLong();
                    writers.add(writer);
                    sent.add(count);
                    Thread thread = new Thread(() -> writeUntilRefused(writer, count, refused), "flooder-" + i);
                    thread.setDaemon(true);
                    thread.start();
                }
                await().atMost(WITHIN).until(() -> sizeOf(held) == CLIENTS);
                awaitStill(() -> sum(sent));
                assertEchoes(neighbourPort);

                for (AtomicLong count : sent) {
                    assertThat(count.get()).as("bytes a client could send to an upstream that never reads")
                            .isPositive().isLessThan(IN_FLIGHT_BOUND);
                }
            } finally {
                for (Socket writer : writers) {
                    writer.close();
                }
                released.countDown();
            }
            await().atMost(WITHIN).until(() -> refused.get() == CLIENTS);
        }
    }

    /** Waits until {@code total} has stopped growing for two seconds: every writer is blocked on a full pipe. */
    private static void awaitStill(LongSupplier total) {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(500)).during(Duration.ofSeconds(2))
                .until(() -> total.getAsLong() == last.getAndSet(total.getAsLong()));
    }

    private static void writeUntilRefused(Socket socket, AtomicLong count, AtomicInteger refused) {
        try {
            writeUntilRefused(socket.getOutputStream(), count, refused);
        } catch (IOException e) {
            refused.incrementAndGet();
        }
    }

    private static void writeUntilRefused(OutputStream out, AtomicLong count, AtomicInteger refused) {
        byte[] chunk = new byte[64 * 1024];
        try {
            while (true) {
                out.write(chunk);
                count.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            refused.incrementAndGet();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int sizeOf(List<?> list) {
        synchronized (list) {
            return list.size();
        }
    }

    private static long sum(List<AtomicLong> counts) {
        synchronized (counts) {
            return counts.stream().mapToLong(AtomicLong::get).sum();
        }
    }

    /** Another TCP tunnel on the same edge carries a line there and back. */
    private static void assertEchoes(int port) throws IOException {
        try (Socket socket = connect(port)) {
            byte[] line = "still carried\n".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(line);
            InputStream in = socket.getInputStream();
            byte[] back = in.readNBytes(line.length);
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("still carried\n");
        }
    }

    private static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }
}
