package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.UpstreamProtocol;
import dev.burrow.tls.EdgeCertificate;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge on the edge's cleartext HTTP port, from curl, to an HTTP/1.1 upstream and to an h2c
 * upstream; and an HTTP/1.1 client reaching an h2c upstream.
 */
class PublicHttp2Test {
    private static final String APP = "app.burrow.test";
    private static final String H2C = "h2c.burrow.test";

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream http1Upstream;
    H2cTestUpstream h2cUpstream;

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        http1Upstream = new TestUpstream();
        h2cUpstream = new H2cTestUpstream();
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(http1Upstream.port())).withSubdomain("app"));
        agent.http(HttpTunnelOptions.to(Integer.toString(h2cUpstream.port())).withSubdomain("h2c")
                .withUpstreamProtocol(UpstreamProtocol.H2C));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        http1Upstream.close();
        h2cUpstream.close();
    }

    /**
     * curl over HTTP/2 with prior knowledge to the edge, headers included in its output. Small exchanges get 5 s,
     * less than the heartbeat interval, so that an answer whose end is only flushed by a later PING fails.
     */
    private Curl.Result curl(String host, String path, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("-sS", "--http2-prior-knowledge", "-D", "-", "--max-time", "5",
                "-H", "Host: " + host));
        args.addAll(List.of(more));
        args.add("http://127.0.0.1:" + harness.httpPort() + path);
        return Curl.run(args, null);
    }

    @Test
    void http2ClientReachesHttp1UpstreamWithForwardedHeadersAndNoInternalOnes() throws IOException {
        Curl.assumeHttp2();

        Curl.Result result = curl(APP, "/echo/path?q=1", "-H", "X-Forwarded-For: 6.6.6.6", "-H", "X-Custom: kept",
                "--data-binary", "payload");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("HTTP/2 200").contains("content-type: text/plain; charset=utf-8")
                .contains("method=POST", "uri=/echo/path?q=1", "h:host=" + APP, "h:x-forwarded-for=127.0.0.1",
                        "h:x-forwarded-proto=http", "h:x-forwarded-host=" + APP, "h:x-custom=kept", "body=payload")
                .doesNotContain("6.6.6.6", "burrow-", "x-http2");
    }

    @Test
    void http2ClientReachesH2cUpstreamWithTrailers() throws IOException {
        Curl.assumeHttp2();

        Curl.Result result = curl(H2C, "/hello", "--data-binary", "ping");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("HTTP/2 200")
                .contains("method=POST", "path=/hello", "authority=" + H2C, "h:x-forwarded-for=127.0.0.1",
                        "h:x-forwarded-host=" + H2C, "body=ping")
                .doesNotContain("burrow-")
                // curl prints the trailer after the body, with the other headers.
                .contains("x-trailer: done");
    }

    @Test
    void http2DownloadAndUploadOfManyWindowsArriveWhole() throws IOException {
        Curl.assumeHttp2();
        int size = 16 * 1024 * 1024;
        Path upload = dataDir.resolve("upload.bin");
        Files.write(upload, new byte[size]);

        Curl.Result download = Curl.run(List.of("-sS", "--http2-prior-knowledge", "--max-time", "60",
                "-o", "/dev/null", "-w", "%{http_version} %{size_download}", "-H", "Host: " + APP,
                "http://127.0.0.1:" + harness.httpPort() + "/bytes/" + size), null);
        Curl.Result counted = Curl.run(List.of("-sS", "--http2-prior-knowledge", "--max-time", "60",
                "-H", "Host: " + APP, "--data-binary", "@-",
                "http://127.0.0.1:" + harness.httpPort() + "/count"), upload);

        assertThat(download.exitCode()).as(download.err()).isZero();
        assertThat(download.out()).isEqualTo("2 " + size);
        assertThat(counted.exitCode()).as(counted.err()).isZero();
        assertThat(counted.out()).isEqualTo(Integer.toString(size));
    }

    @Test
    void unknownHostOverHttp2Gets404PageFromTheEdge() throws IOException {
        Curl.assumeHttp2();

        Curl.Result result = curl("nobody.burrow.test", "/");

        assertThat(result.out()).startsWith("HTTP/2 404").contains("burrow-error: tunnel_not_found")
                .contains("nobody.burrow.test");
    }

    @Test
    void upstreamResetAfterTheAnswerBeganResetsThePublicStreamWithItsCode() throws IOException {
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority(H2C).path("/reset"),
                    true);

            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            RawHttp2.Frame reset = client.await(f -> f.type() == RawHttp2.RST_STREAM && f.streamId() == 1);
            assertThat(reset.errorCode()).isEqualTo(Http2Error.INTERNAL_ERROR.code());
        }
    }

    @Test
    void h2UpstreamThatOnlySpeaksHttp1OverTlsGets502NamingAlpn() throws Exception {
        EdgeCertificate cert = EdgeCertificate.loadOrCreateSelfSigned(dataDir.resolve("upstream-tls"),
                List.of("localhost"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("upstream", cert.key(), new char[0], cert.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        https.start();
        try {
            harness.startAgent().http(HttpTunnelOptions.to("https://localhost:" + https.getAddress().getPort())
                    .withSubdomain("h1only").withUpstreamTlsVerification(false)
                    .withUpstreamProtocol(UpstreamProtocol.H2));

            HttpResponse<String> response = harness.get("h1only.burrow.test", "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("burrow-error")).hasValue("upstream_unreachable");
            assertThat(response.body()).contains("ALPN h2");
        } finally {
            https.stop(0);
        }
    }

    @Test
    void http2ClientGetsTheTrailerDeclarationAndTheTrailersOfAnHttp1Upstream() throws IOException {
        try (LoopbackServer upstream = new LoopbackServer("trailer-upstream", socket -> {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b == -1) {
                    return;
                }
                head.append((char) b);
            }
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n"
                    + "\r\n5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }); RawHttp2 client = new RawHttp2(harness.httpPort())) {
            harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("trl"));

            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority("trl.burrow.test")
                    .path("/sum").set("te", "trailers"), true);

            assertThat(client.awaitHeaders(1).status()).hasToString("200");
            assertThat(client.awaitHeaders(1).get("trailer")).hasToString("X-Checksum");
            assertThat(client.awaitTrailers(1).get("x-checksum")).hasToString("abc");
        }
    }

    @Test
    void http1ClientReachesH2cUpstreamAndGetsItsTrailers() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), harness.httpPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /via-http1 HTTP/1.1\r\nHost: " + H2C + "\r\nTE: trailers\r\nConnection: close\r\n"
                    + "Content-Length: 5\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 200 ").containsIgnoringCase("transfer-encoding: chunked")
                    .contains("method=POST", "path=/via-http1", "authority=" + H2C, "h:te=trailers", "body=hello")
                    .doesNotContain("burrow-")
                    .endsWith("0\r\nx-trailer: done\r\n\r\n");
        }
    }
}
