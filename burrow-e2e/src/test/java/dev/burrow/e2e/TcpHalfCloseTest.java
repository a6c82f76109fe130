package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.edge.PortRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-closed connections through a TCP tunnel: whichever side ends its output first, everything the other side
 * still sends arrives whole, and each side sees the other's end only after all of its bytes.
 */
class TcpHalfCloseTest {
    private static final int SIZE = 10 * 1024 * 1024;
    private static final int RUNS = 20;
    /** A bound on a slow machine for one connection, not a speed check. */
    private static final int TIMEOUT_MS = 20_000;
    private static final byte[] PAYLOAD = new byte[SIZE];
    private static final Received WHOLE_PAYLOAD;

    static {
        new Random(11).nextBytes(PAYLOAD);
        Receiving whole = new Receiving();
        whole.add(PAYLOAD, PAYLOAD.length);
        WHOLE_PAYLOAD = whole.done();
    }

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    int tunnelPort;
    final ExecutorService writers = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws IOException {
        PortRange ports = TcpTunnelTest.freeRange(2);
        harness = new TunnelHarness(dataDir, edge -> edge.tcpPorts(ports));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        writers.shutdownNow();
    }

    @Test
    void afterTheClientEndsItsSideEverythingItSentComesBackThenTheEnd() throws Exception {
        try (LoopbackServer echo = new LoopbackServer("echo-until-end", TcpHalfCloseTest::echoUntilEnd)) {
            tunnelPort = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(echo.port()))).port();

            for (int run = 0; run < RUNS; run++) {
                try (Socket client = connect()) {
                    CompletableFuture<Void> sending = sendThenEnd(client);
                    Received echoed = readToEnd(client);
                    sending.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);

                    assertThat(echoed).as("what came back in run %d", run).isEqualTo(WHOLE_PAYLOAD);
                }
            }
        }
    }

    @Test
    void afterTheUpstreamEndsItsSideEverythingTheClientStillSendsArrives() throws Exception {
        BlockingQueue<Received> upstreamGot = new LinkedBlockingQueue<>();
        try (LoopbackServer upstream = new LoopbackServer("send-end-then-read", socket -> {
            socket.getOutputStream().write(PAYLOAD);
            socket.shutdownOutput();
            upstreamGot.add(readToEnd(socket));
        })) {
            tunnelPort = harness.startAgent().tcp(TcpTunnelOptions.to(Integer.toString(upstream.port()))).port();

            for (int run = 0; run < RUNS; run++) {
                try (Socket client = connect()) {
                    // The upstream reads only after its end, so most of the client's bytes follow that end.
                    CompletableFuture<Void> sending = sendThenEnd(client);
                    Received fromUpstream = readToEnd(client);
                    sending.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);

                    assertThat(fromUpstream).as("what the client got in run %d", run).isEqualTo(WHOLE_PAYLOAD);
                    assertThat(upstreamGot.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                            .as("what the upstream got in run %d", run).isEqualTo(WHOLE_PAYLOAD);
                }
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", tunnelPort), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    /** Writes the payload on its own thread, then ends the client's side. */
    private CompletableFuture<Void> sendThenEnd(Socket socket) {
        return CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(PAYLOAD);
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, writers);
    }

    /** Echoes what it reads until the client ends its side, then ends its own. */
    private static void echoUntilEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
        }
        socket.shutdownOutput();
    }

    private static Received readToEnd(Socket socket) throws IOException {
        Receiving receiving = new Receiving();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
            receiving.add(buf, n);
        }
        return receiving.done();
    }

    /** What one side read up to its end: how much, and its SHA-256. */
    record Received(long length, String sha256) {
    }

    private static final class Receiving {
        private final MessageDigest digest;
        private long length;

        Receiving() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(byte[] bytes, int count) {
            digest.update(bytes, 0, count);
            length += count;
        }

        Received done() {
            return new Received(length, HexFormat.of().formatHex(digest.digest()));
        }
    }
}
