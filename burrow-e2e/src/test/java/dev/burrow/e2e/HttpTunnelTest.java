package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A public client reaches a local service through a real edge and agent. */
class HttpTunnelTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void getReachesUpstreamThroughRandomName() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));

        assertThat(tunnel.url()).matches("http://[a-z]+-[a-z]+-\\d\\d\\.burrow\\.test:" + harness.httpPort());
        HttpResponse<String> response = harness.get(tunnel.hostname(), "/hi?x=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from upstream /hi?x=1");
    }

    @Test
    void requestCarriesForwardedHeadersAndBodyButNoHopByHopOrInternalHeaders() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to("127.0.0.1:" + upstream.port()).withSubdomain("echo"));
        assertThat(tunnel.hostname()).isEqualTo("echo.burrow.test");

        HttpResponse<String> response = harness.client.send(harness.request("echo.burrow.test", "/echo/path")
                        .header("X-Forwarded-For", "6.6.6.6")
                        .header("Keep-Alive", "timeout=5")
                        .header("X-Custom", "kept")
                        .POST(HttpRequest.BodyPublishers.ofString("payload"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("method=POST", "uri=/echo/path", "h:x-forwarded-for=127.0.0.1", "h:x-forwarded-proto=http",
                        "h:x-forwarded-host=echo.burrow.test", "h:host=echo.burrow.test", "h:x-custom=kept",
                        "body=payload")
                .doesNotContain("6.6.6.6", "keep-alive=", "burrow-", "x-http2");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void getWithoutBodyReachesUpstreamWithoutBodyFraming() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));

        HttpResponse<String> response = harness.get(tunnel.hostname(), "/echo");

        assertThat(response.body()).contains("method=GET", "body=").doesNotContain("transfer-encoding",
                "content-length");
    }

    @Test
    void headGetsHeadersWithoutBodyAndKeepAliveServesManyRequests() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));

        HttpResponse<String> head = harness.client.send(harness.request(tunnel.hostname(), "/bytes/1000")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = harness.get(tunnel.hostname(), "/n" + i);
            assertThat(response.body()).isEqualTo("hello from upstream /n" + i);
        }
    }

    @Test
    void hostHeaderRewriteSendsTheUpstreamAddress() throws Exception {
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withHostHeader("rewrite"));

        assertThat(harness.get(tunnel.hostname(), "/echo").body()).contains("h:host=localhost:" + upstream.port());
    }

    @Test
    void oneKeepAliveConnectionServesTunnelsOfDifferentAgentsInTurn() throws Exception {
        // The connection moves to the first agent's event loop; requests for the second agent then cross loops.
        Agent first = harness.startAgent();
        Agent second = harness.startAgent();
        first.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("one"));
        second.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("two"));

        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            for (String host : new String[] {"one", "two", "one", "two"}) {
                socket.getOutputStream().write(("GET /" + host + " HTTP/1.1\r\nHost: " + host + ".burrow.test\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                int length = -1;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                assertThat(new String(body)).isEqualTo("hello from upstream /" + host);
            }
        }
    }
}
