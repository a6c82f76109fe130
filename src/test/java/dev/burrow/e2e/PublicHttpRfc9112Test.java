package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.proxy.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public HTTP/1.1 listener against the requirements of RFC 9112 (message syntax and framing) and RFC 9110's
 * Host and Expect rules, each test naming the section it proves. Requests go over raw sockets to a real edge, agent
 * and upstream; the upstream echoes what reached it, so a test sees both the client's answer and what the edge
 * passed on. Requirements already proven in {@link PublicHttpBadInputTest} (missing or repeated Host, chunked and
 * Content-Length conflicts, bad chunk sizes, space before the colon) are not repeated here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicHttpRfc9112Test {
    private static final String HOST = "app.burrow.test";

    TunnelHarness harness;
    TestUpstream upstream;

    @BeforeAll
    void start(@TempDir Path dataDir) throws IOException {
        harness = new TunnelHarness(dataDir, b -> b.maxInitialLineLength(1024).maxHeaderSize(4096));
        upstream = new TestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
    }

    @AfterAll
    void stop() {
        harness.close();
        upstream.close();
    }

    private RawHttp1 connect() throws IOException {
        return RawHttp1.connect(harness.httpPort());
    }

    /** Sends one request and asserts the edge answers {@code status} itself and closes the connection. */
    private RawHttp1.Response refusedWith(int status, byte[] request) throws IOException {
        try (RawHttp1 client = connect()) {
            RawHttp1.Response response = client.send(request).read();
            assertThat(response.status()).as(response.statusLine()).isEqualTo(status);
            assertThat(response.header("burrow-error")).isNotNull();
            assertThat(response.body()).doesNotContain("method=");
            client.assertClosed();
            return response;
        }
    }

    private RawHttp1.Response refusedWith(int status, String request) throws IOException {
        return refusedWith(status, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private RawHttp1.Response relayed(String request) throws IOException {
        try (RawHttp1 client = connect()) {
            RawHttp1.Response response = client.send(request).read();
            assertThat(response.status()).as(response.statusLine() + "\n" + response.body()).isEqualTo(200);
            return response;
        }
    }

    // ---- Connection (RFC 9110 §7.6.1) ----

    @ParameterizedTest
    @ValueSource(strings = {"Host", "Content-Length", "host, content-length", "close, Host", "X-Forwarded-For",
            "X-Forwarded-Host, Forwarded", "Upgrade", "keep-alive, Upgrade", "TE", "Expect"})
    void connectionNamingAFieldTheEdgeNeedsIsAnsweredWithThatFieldKept(String nominated) throws IOException {
        // §7.6.1 has a proxy drop the fields Connection names, but Host, the body's length and the forwarding fields
        // are the edge's to read and set: those stay, and the request is relayed like any other.
        RawHttp1.Response response = relayed("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: " + nominated
                + "\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(response.body().lines()).contains("method=POST", "h:host=" + HOST, "h:content-length=5",
                "h:x-forwarded-host=" + HOST, "h:x-forwarded-for=127.0.0.1", "body=hello")
                .noneMatch(line -> line.startsWith("h:connection="));
    }

    @Test
    void connectionNamingTransferEncodingStillRelaysTheChunkedBody() throws IOException {
        RawHttp1.Response response = relayed("POST /echo HTTP/1.1\r\nHost: " + HOST
                + "\r\nConnection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertThat(response.body().lines()).contains("h:host=" + HOST, "body=hello");
    }

    @Test
    void connectionNamingAnOrdinaryFieldRemovesIt() throws IOException {
        RawHttp1.Response response = relayed("GET /echo HTTP/1.1\r\nHost: " + HOST
                + "\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-Kept: 2\r\n\r\n");

        assertThat(response.body().lines()).contains("h:x-kept=2").noneMatch(line -> line.startsWith("h:x-hop="));
    }

    @Test
    void connectionCannotDropTheForwardingFieldsATrustedProxySent(@TempDir Path dir) throws IOException {
        try (TunnelHarness proxied = new TunnelHarness(dir,
                b -> b.trustedProxies(List.of(Cidr.parse("127.0.0.0/8"))));
             TestUpstream echo = new TestUpstream()) {
            proxied.startAgent().http(HttpTunnelOptions.to(Integer.toString(echo.port())).withSubdomain("app"));
            try (RawHttp1 client = RawHttp1.connect(proxied.httpPort())) {
                RawHttp1.Response response = client.send("GET /echo HTTP/1.1\r\nHost: " + HOST
                        + "\r\nConnection: X-Forwarded-For, X-Forwarded-Proto\r\nX-Forwarded-For: 203.0.113.7\r\n"
                        + "X-Forwarded-Proto: https\r\n\r\n").read();

                assertThat(response.body().lines()).contains("h:x-forwarded-for=203.0.113.7, 127.0.0.1",
                        "h:x-forwarded-proto=https");
            }
        }
    }

    // ---- Host (RFC 9112 §3.2, RFC 9110 §7.2) ----

    @ParameterizedTest
    @ValueSource(strings = {"app.burrow.test:99999", "app.burrow.test:65536", "user@app.burrow.test",
            "user:pw@app.burrow.test:80", "", "app.burrow.test:", "app burrow.test"})
    void invalidHostGets400(String host) throws IOException {
        // §3.2: a server MUST answer 400 to a Host with an invalid value.
        RawHttp1.Response response = refusedWith(400, "GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertThat(response.header("burrow-error")).isEqualTo("bad_host");
    }

    @Test
    void hostWithTheHighestPortIsRouted() throws IOException {
        RawHttp1.Response response = relayed("GET /echo HTTP/1.1\r\nHost: " + HOST + ":65535\r\n\r\n");

        assertThat(response.body().lines()).contains("h:host=" + HOST + ":65535");
    }
}
