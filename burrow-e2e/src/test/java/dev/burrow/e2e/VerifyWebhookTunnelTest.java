package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.Protocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tunnel that takes only webhooks signed with its secret, through a real edge and agent: the edge reads each body
 * whole, checks GitHub's signature over it, and lets through exactly what was signed, byte for byte, over HTTP/1.1
 * (with Content-Length, chunked, or after 100 Continue) and HTTP/2. What does not verify never reaches the upstream,
 * and the connection serves on.
 */
class VerifyWebhookTunnelTest {
    private static final String APP = "hooks.burrow.test";
    private static final String SECRET = "It's a Secret to Everybody";
    private static final String POLICY = """
            on_http_request:
              - name: github only
                actions:
                  - type: verify-webhook
                    config:
                      provider: github
                      secret: "It's a Secret to Everybody"
            """;

    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private TestUpstream upstream;

    @BeforeEach
    void setUp() throws IOException {
        upstream = new TestUpstream();
        harness = new TunnelHarness(dataDir, edge -> edge.requestBodyTimeout(BODY_TIMEOUT, 0));
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("hooks")
                .withTrafficPolicy(POLICY));
    }

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
        upstream.close();
    }

    private static String signature(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private HttpResponse<String> post(byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = harness.request(APP, "/echo/hook")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return harness.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body of printable bytes, so the upstream's echo of it can be compared whole. */
    private static byte[] text(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + (i * 7 + i / 13) % 26);
        }
        return body;
    }

    @Test
    void aSignedDeliveryReachesTheUpstreamWholeAndAnUnsignedOrAlteredOneDoesNot() throws Exception {
        byte[] body = text(300 * 1024);
        String signature = signature(body);

        HttpResponse<String> signed = post(body, signature);
        byte[] altered = body.clone();
        altered[body.length / 2] ^= 1;
        HttpResponse<String> changed = post(altered, signature);
        HttpResponse<String> unsigned = post(body, null);

        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).contains("body=" + new String(body, StandardCharsets.US_ASCII));
        for (HttpResponse<String> refused : List.of(changed, unsigned)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue(Protocol.AGENT_ERROR.toString()))
                    .hasValue("policy_webhook_unverified");
        }
        assertThat(upstream.requested).containsExactly("/echo/hook");
    }

    @Test
    void oneConnectionCarriesARefusedDeliveryThenAChunkedOneThenOneAfter100Continue() throws Exception {
        byte[] body = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.US_ASCII);
        String signature = signature(body);
        try (Socket socket = new Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));

            out.write(head("X-Hub-Signature-256: sha256=" + "0".repeat(64), "Content-Length: " + body.length));
            out.write(body);
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 403").contains("policy_webhook_unverified");

            out.write(head("X-Hub-Signature-256: " + signature, "Transfer-Encoding: chunked"));
            int half = body.length / 2;
            out.write(chunk(Arrays.copyOfRange(body, 0, half)));
            out.write(chunk(Arrays.copyOfRange(body, half, body.length)));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("body=" + new String(body,
                    StandardCharsets.US_ASCII));

            out.write(head("X-Hub-Signature-256: " + signature, "Content-Length: " + body.length,
                    "Expect: 100-continue"));
            out.flush();
            assertThat(in.readLine()).as("asked before the body is sent").isEqualTo("HTTP/1.1 100 Continue");
            assertThat(in.readLine()).isEmpty();
            out.write(body);
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").doesNotContain("h:expect");
        }
        assertThat(upstream.requested).hasSize(2);
    }

    @Test
    void aBodyOverTheBoundIsRefused413WithoutReachingTheUpstream() throws Exception {
        byte[] body = text(TrafficPolicy.MAX_REQUEST_BODY + 1);
        try (Socket socket = new Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            out.write(head("X-Hub-Signature-256: " + signature(body), "Transfer-Encoding: chunked"));
            out.write(chunk(body));
            out.flush();

            assertThat(readResponse(in)).startsWith("HTTP/1.1 413").contains("body_too_large")
                    .contains("connection: close");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).as("the rest is read and dropped, then the connection closes").isNull();
        }
        try (Socket socket = new Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head("X-Hub-Signature-256: " + signature(body),
                    "Content-Length: " + body.length, "Expect: 100-continue"));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));

            assertThat(readResponse(in)).as("declared too long: refused before it is sent").startsWith("HTTP/1.1 413");
        }
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void aBodyThatStopsHalfwayGets408AndNothingReachesTheUpstream() throws Exception {
        byte[] body = text(4096);
        try (Socket socket = new Socket("127.0.0.1", harness.httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head("X-Hub-Signature-256: " + signature(body), "Content-Length: " + body.length));
            out.write(body, 0, body.length / 2);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));

            assertThat(readResponse(in)).startsWith("HTTP/1.1 408").contains("body_timeout");
            assertThat(in.readLine()).isNull();
        }
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void http2DeliveriesAreHeldAndCheckedTheSameWay() throws Exception {
        byte[] body = text(200 * 1024);
        Path file = dataDir.resolve("payload.json");
        Files.write(file, body);
        String url = "http://127.0.0.1:" + harness.httpPort() + "/echo/hook";

        Curl.Result signed = Curl.run(List.of("-sS", "--http2-prior-knowledge", "--max-time", "20", "-H",
                "Host: " + APP, "-H", "X-Hub-Signature-256: " + signature(body), "--data-binary", "@" + file, url),
                null);
        Curl.Result forged = Curl.run(List.of("-sS", "--http2-prior-knowledge", "--max-time", "20", "-o",
                "/dev/null", "-w", "%{http_code}", "-H", "Host: " + APP, "-H", "X-Hub-Signature-256: "
                        + signature(text(10)), "--data-binary", "@" + file, url), null);

        assertThat(signed.out()).contains("method=POST").contains("body=" + new String(body,
                StandardCharsets.US_ASCII));
        assertThat(forged.out()).isEqualTo("403");
        assertThat(upstream.requested).containsExactly("/echo/hook");
    }

    @Test
    void aClientThatSendsABodyPastTheBoundWithoutWaitingStillReads413() throws Exception {
        byte[] body = text(TrafficPolicy.MAX_REQUEST_BODY + 1);
        for (int i = 0; i < 5; i++) {
            assertThat(post(body, signature(body)).statusCode()).isEqualTo(413);
        }
        assertThat(upstream.requested).isEmpty();
    }

    @Test
    void anHttp2BodyThatStopsGets408AndOnePastTheBoundGets413() throws Exception {
        byte[] body = text(64 * 1024);
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(1, post(signature(body)), false);
            client.data(1, Arrays.copyOf(body, 16 * 1024), false);

            Http2Headers stopped = client.awaitHeaders(1);

            assertThat(stopped.status()).hasToString("408");
            assertThat(stopped.get("burrow-error")).hasToString("body_timeout");
        }
        try (RawHttp2 client = new RawHttp2(harness.httpPort())) {
            client.headers(3, post(signature(body)), false);
            byte[] frame = new byte[16 * 1024];
            for (int sent = 0; sent <= TrafficPolicy.MAX_REQUEST_BODY; sent += frame.length) {
                client.data(3, frame, false);
            }

            Http2Headers tooLarge = client.awaitHeaders(3);

            assertThat(tooLarge.status()).hasToString("413");
            assertThat(tooLarge.get("burrow-error")).hasToString("body_too_large");
        }
        assertThat(upstream.requested).isEmpty();
    }

    private static Http2Headers post(String signature) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority(APP).path("/echo/hook")
                .add("x-hub-signature-256", signature);
    }

    private static byte[] head(String... headers) {
        StringBuilder head = new StringBuilder("POST /echo/hook HTTP/1.1\r\nHost: " + APP + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunk(byte[] bytes) {
        byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = Arrays.copyOf(size, size.length + bytes.length + 2);
        System.arraycopy(bytes, 0, chunk, size.length, bytes.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    /** One response with a Content-Length body: its head and body as text. */
    private static String readResponse(BufferedReader in) throws IOException {
        StringBuilder response = new StringBuilder();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            response.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return response.append('\n').append(body, 0, read).toString();
    }
}
