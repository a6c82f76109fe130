package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.InspectorServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods at the agent's local inspector, from a local process: a pipelined burst and a pile of idle connections. The
 * inspector answers what it takes in order or closes, and the tunnel it watches serves throughout.
 */
class InspectorFloodTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    AgentTunnel tunnel;
    InspectorServer inspector;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        Agent agent = harness.startAgent(harness.agentBuilder().inspect(new ExchangeLog(100, 512, 1024 * 1024)));
        tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
        inspector = InspectorServer.start(agent, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() {
        inspector.close();
        harness.close();
        upstream.close();
    }

    @Test
    void twoThousandPipelinedRequestsAreAnsweredInOrderOrTheConnectionIsClosed() throws Exception {
        int count = 2000;
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < count; i++) {
            flood.append("GET /api/requests?limit=").append(i).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .append(i == count - 1 ? "Connection: close\r\n" : "").append("\r\n");
        }
        String answers;
        try (RawHttp1 flooder = RawHttp1.connect(inspector.address().getPort())) {
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    flooder.send(flood.toString());
                } catch (IOException e) {
                    // The inspector closed the connection while the flood went on.
                }
            });
            assertTunnelAnswers();
            answers = textUntilTheEnd(flooder.input());
            written.get();
        }

        // The connection ended (after the last request, or once more than Netty's pipeline depth of 128 waited):
        // every answer that came before is a 200.
        Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answers);
        int answered = 0;
        while (status.find()) {
            assertThat(status.group(1)).isEqualTo("200");
            answered++;
        }
        assertThat(answered).isBetween(1, count);
        assertThat(inspectorStatus()).isEqualTo(200);
        assertTunnelAnswers();
    }

    @Test
    void fiveHundredIdleConnectionsLeaveTheInspectorAndTheTunnelAnswering() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                idle.add(new Socket("127.0.0.1", inspector.address().getPort()));
            }

            assertThat(inspectorStatus()).isEqualTo(200);
            assertTunnelAnswers();
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** The status of GET /api/status on a fresh connection the inspector is asked to close. */
    private int inspectorStatus() throws IOException {
        try (RawHttp1 client = RawHttp1.connect(inspector.address().getPort())) {
            return client.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").read()
                    .status();
        }
    }

    /** Reads what the inspector wrote before it closed, to the end of the stream (or a reset), as text. */
    private static String textUntilTheEnd(InputStream in) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                text.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // A reset connection ended too.
        }
        return text.toString(StandardCharsets.ISO_8859_1);
    }

    private void assertTunnelAnswers() throws Exception {
        HttpResponse<String> response = harness.get(tunnel.hostname(), "/during");
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
