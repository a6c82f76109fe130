package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.burrow.tls.EdgeCertificate;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 9110/9112 behaviour through the tunnel: 100-continue, chunked bodies with trailers, HTTP/1.0, hop-by-hop. */
class HttpSemanticsTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    Agent agent;

    @BeforeEach
    void setUp() throws Exception {
        harness = new TunnelHarness(dataDir);
        upstream = new TestUpstream();
        agent = harness.startAgent();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
    }

    @Test
    void expectContinueGetsContinueThenTheUpstreamAnswer() throws Exception {
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("c"));

        HttpResponse<String> response = harness.client.send(harness.request("c.burrow.test", "/count")
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofString("12345")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("5");
    }

    @Test
    void chunkedResponseWithTrailersReachesTheClientChunkedWithTrailers() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> upstreamSaw = CompletableFuture.supplyAsync(() -> serveOnce(raw,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nConnection: keep-alive\r\n"
                            + "Keep-Alive: timeout=5\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"));
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + raw.getLocalPort()).withSubdomain("t"));

            String response = rawExchange("GET /t HTTP/1.1\r\nHost: t.burrow.test\r\nTE: trailers\r\n"
                    + "Connection: close\r\n\r\n");

            String head = response.substring(0, response.indexOf("\r\n\r\n") + 2);
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked")
                    .containsIgnoringCase("trailer: X-Checksum\r\n")
                    .doesNotContainIgnoringCase("keep-alive: timeout");
            assertThat(response.substring(head.length())).contains("hello", " world")
                    .endsWithIgnoringCase("0\r\nx-checksum: abc\r\n\r\n");
            assertThat(upstreamSaw.get()).startsWith("GET /t HTTP/1.1").containsIgnoringCase("te: trailers")
                    .doesNotContainIgnoringCase("connection: close");
        }
    }

    @Test
    void chunkedUploadKeepsItsTrailerDeclarationOnTheWayToTheUpstream() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> upstreamSaw = CompletableFuture.supplyAsync(() -> serveOnce(raw,
                    "HTTP/1.1 204 No Content\r\n\r\n"));
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + raw.getLocalPort()).withSubdomain("up"));

            rawExchange("POST /up HTTP/1.1\r\nHost: up.burrow.test\r\nTransfer-Encoding: chunked\r\n"
                    + "Trailer: X-Signature\r\nConnection: close\r\n\r\n4\r\ndata\r\n0\r\nX-Signature: s1\r\n\r\n");

            assertThat(upstreamSaw.get()).startsWith("POST /up HTTP/1.1")
                    .containsIgnoringCase("trailer: X-Signature\r\n");
        }
    }

    @Test
    void answerBeforeTheWholeUploadReachesTheClientAndTheConnectionStaysUsable() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // Like nginx's "return 200": answer as soon as the head is in, without reading the body.
            CompletableFuture.runAsync(() -> serveOnce(raw, "HTTP/1.1 413 Payload Too Large\r\n"
                    + "Content-Length: 4\r\n\r\nbig!"));
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + raw.getLocalPort()).withSubdomain("early"));

            HttpResponse<String> response = harness.client.send(harness.request("early.burrow.test", "/up")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[8 * 1024 * 1024])).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).isEqualTo("big!");
            assertThat(harness.get("nobody.burrow.test", "/").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void http10ClientGetsABodyEndedByClose() throws Exception {
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("old"));

        String response = rawExchange("GET /old HTTP/1.0\r\nHost: old.burrow.test\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("hello from upstream /old");
    }

    @Test
    void upstreamAnsweringWithGarbageGets502() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> serveOnce(raw, "THIS IS NOT HTTP\r\n\r\n"));
            agent.http(HttpTunnelOptions.to("127.0.0.1:" + raw.getLocalPort()).withSubdomain("bad"));

            HttpResponse<String> response = harness.get("bad.burrow.test", "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("burrow-error")).hasValue("upstream_protocol");
        }
    }

    @Test
    void httpsUpstreamWithSelfSignedCertificateIsRefusedUnlessVerificationIsOff() throws Exception {
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
            byte[] body = "secure hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        try {
            String target = "https://localhost:" + https.getAddress().getPort();
            agent.http(HttpTunnelOptions.to(target).withSubdomain("strict"));
            agent.http(HttpTunnelOptions.to(target).withSubdomain("relaxed").withUpstreamTlsVerification(false));

            HttpResponse<String> strict = harness.get("strict.burrow.test", "/");
            HttpResponse<String> relaxed = harness.get("relaxed.burrow.test", "/");

            assertThat(strict.statusCode()).isEqualTo(502);
            assertThat(strict.body()).contains("TLS with the upstream", "failed");
            assertThat(relaxed.statusCode()).isEqualTo(200);
            assertThat(relaxed.body()).isEqualTo("secure hello");
        } finally {
            https.stop(0);
        }
    }

    private String rawExchange(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Accepts one connection, reads the request head, answers with the given bytes, returns what it read. */
    private static String serveOnce(ServerSocket server, String answer) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b == -1) {
                    break;
                }
                head.write(b);
            }
            OutputStream out = s.getOutputStream();
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            in.readAllBytes();
            return head.toString(StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
