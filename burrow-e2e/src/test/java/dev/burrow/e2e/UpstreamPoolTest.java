package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent keeps upstream connections alive between requests, and survives an upstream closing one. */
class UpstreamPoolTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    Agent agent;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir);
        agent = harness.startAgent();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void sequentialRequestsShareOneUpstreamConnection() throws Exception {
        List<Integer> clientPorts = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("ok".getBytes(StandardCharsets.US_ASCII));
            }
        });
        server.start();
        try {
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + server.getAddress().getPort()).withSubdomain("pool"));

            for (int i = 0; i < 5; i++) {
                assertThat(harness.get("pool.burrow.test", "/" + i).body()).isEqualTo("ok");
            }

            assertThat(clientPorts).hasSize(5);
            assertThat(clientPorts.stream().distinct()).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void largeResponsesOneAfterAnotherReuseTheConnectionWithoutStalling() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("big"));

            // A fast upstream's megabyte outruns the stream, pausing the upstream's reads mid-answer; the next
            // request on the same pooled connection must not inherit that pause.
            for (int i = 0; i < 5; i++) {
                var response = harness.client.send(harness.request("big.burrow.test", "/bytes/1048576").GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).hasSize(1048576);
            }
        }
    }

    @Test
    void aPooledConnectionClosedByTheUpstreamIsRetriedOnAFreshOne() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        int n = connections.incrementAndGet();
                        Thread t = new Thread(() -> serve(socket, n == 1));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + server.getLocalPort()).withSubdomain("flaky"));

            assertThat(harness.get("flaky.burrow.test", "/first").body()).isEqualTo("answer 1");
            assertThat(harness.get("flaky.burrow.test", "/second").body()).isEqualTo("answer 2");
            assertThat(connections).hasValue(2);
        }
    }

    /**
     * Answers requests with keep-alive; with {@code closeOnSecond}, closes the connection when the second request
     * arrives, as a server whose keep-alive timer just ran out.
     */
    private static void serve(Socket socket, boolean closeOnSecond) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int request = 1; ; request++) {
                if (!readHead(in)) {
                    return;
                }
                if (closeOnSecond && request == 2) {
                    return;
                }
                String body = "answer " + (closeOnSecond ? request : request + 1);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // The test is over.
        }
    }

    private static boolean readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                return false;
            }
            head.write(b);
        }
        return true;
    }
}
