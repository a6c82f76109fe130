package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.HttpTunnelOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compress-response through a real edge and agent to a local service: the JDK's client, raw sockets and curl over
 * HTTP/2 ask with Accept-Encoding, and what they read decompresses to exactly the service's bytes; what must not be
 * compressed (no Accept-Encoding, q=0, an encoded body, HEAD, 204, 304) comes as the service sent it.
 */
class CompressionTunnelTest {
    private static final String APP = "app.burrow.test";
    private static final String POLICY = """
            on_http_response:
              - actions:
                  - type: compress-response
            """;
    /** 8 MiB of text drawn from a fixed seed: compressible as pages are, and the same in every run. */
    private static final byte[] TEXT = text(8 * 1024 * 1024);
    private static final int SMALL = 100_000;

    @TempDir
    Path dataDir;
    private TunnelHarness harness;
    private HttpServer upstream;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private byte[] gzipped;

    private static byte[] text(int size) {
        String[] words = {"tunnel", "edge", "agent", "stream", "window", "frame", "header", "body", "policy",
            "client", "upstream", "burrow", "the", "a", "of", "and", "to", "compressed", "bytes", "\n"};
        Random random = new Random(12);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 16);
        while (out.size() < size) {
            out.writeBytes((words[random.nextInt(words.length)] + " ").getBytes(StandardCharsets.US_ASCII));
            if (random.nextInt(50) == 0) {
                out.writeBytes(Integer.toString(random.nextInt()).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    @BeforeEach
    void setUp() throws IOException {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(encoded)) {
            gzip.write(TEXT, 0, SMALL);
        }
        gzipped = encoded.toByteArray();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        upstream.setExecutor(executor);
        upstream.createContext("/text", exchange -> send(exchange, TEXT.length, "\"t1\""));
        upstream.createContext("/small", exchange -> send(exchange, SMALL, "\"t2\""));
        upstream.createContext("/gzipped", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, gzipped.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(gzipped);
            }
        });
        upstream.createContext("/status/", exchange -> {
            int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
            exchange.getResponseHeaders().set("ETag", "\"t3\"");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        upstream.start();
        harness = new TunnelHarness(dataDir);
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.getAddress().getPort()))
                .withSubdomain("app").withTrafficPolicy(POLICY));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.stop(0);
        executor.shutdownNow();
    }

    /** The first {@code length} bytes of the text, with a length, a strong tag and ranges offered. */
    private static void send(HttpExchange exchange, int length, String etag) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.getResponseHeaders().set("ETag", etag);
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : length);
        if (head) {
            exchange.close();
            return;
        }
        try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < length; at += 64 * 1024) {
                out.write(TEXT, at, Math.min(64 * 1024, length - at));
            }
        }
    }

    private HttpResponse<InputStream> get(String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = harness.request(APP, path).GET();
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return harness.client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads {@code in} to its end, comparing every byte with the first {@code length} of the text. */
    private static void assertIsText(InputStream in, int length) throws IOException {
        try (in) {
            byte[] buf = new byte[64 * 1024];
            int at = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                assertThat(at + n).as("more bytes than the upstream sent").isLessThanOrEqualTo(length);
                assertThat(Arrays.equals(buf, 0, n, TEXT, at, at + n)).as("bytes %d to %d", at, at + n).isTrue();
                at += n;
            }
            assertThat(at).isEqualTo(length);
        }
    }

    /** An input that counts the bytes read through it: the size of the body on the wire. */
    private static final class Counting extends InputStream {
        private final InputStream in;
        long count;

        Counting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Test
    void aLargeBodyComesGzippedChunkedAndDecompressesToExactlyTheUpstreamsBytes() throws Exception {
        HttpResponse<InputStream> response = get("/text", "gzip, deflate, br");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(response.headers().firstValue("vary")).hasValue("Accept-Encoding");
        assertThat(response.headers().firstValue("content-length")).isEmpty();
        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(response.headers().firstValue("etag")).hasValue("W/\"t1\"");
        assertThat(response.headers().firstValue("accept-ranges")).isEmpty();
        Counting wire = new Counting(response.body());
        assertIsText(new GZIPInputStream(wire), TEXT.length);
        assertThat(wire.count).as("compressed").isLessThan(TEXT.length / 2);
    }

    @Test
    void deflateIsTheZlibFormatWhenTheClientTakesOnlyThat() throws Exception {
        HttpResponse<InputStream> response = get("/small", "deflate");

        assertThat(response.headers().firstValue("content-encoding")).hasValue("deflate");
        assertIsText(new InflaterInputStream(response.body()), SMALL);
    }

    @Test
    void withoutAcceptEncodingOrWithGzipRefusedTheBodyIsAsSentAndVaryTellsCaches() throws Exception {
        for (String acceptEncoding : Arrays.asList(null, "gzip;q=0", "identity")) {
            HttpResponse<InputStream> response = get("/small", acceptEncoding);

            assertThat(response.headers().firstValue("content-encoding")).as(acceptEncoding).isEmpty();
            assertThat(response.headers().firstValue("content-length")).hasValue(Integer.toString(SMALL));
            assertThat(response.headers().firstValue("etag")).hasValue("\"t2\"");
            assertThat(response.headers().firstValue("vary")).hasValue("Accept-Encoding");
            assertIsText(response.body(), SMALL);
        }
    }

    @Test
    void aBodyTheUpstreamEncodedPassesUntouched() throws Exception {
        HttpResponse<byte[]> response = harness.client.send(harness.request(APP, "/gzipped")
                .header("Accept-Encoding", "gzip, deflate").GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(response.headers().firstValue("content-length")).hasValue(Integer.toString(gzipped.length));
        assertThat(response.headers().firstValue("vary")).isEmpty();
        assertThat(response.body()).isEqualTo(gzipped);
    }

    @Test
    void headAndAnswersWithoutABodyAreLeftAsTheyAre() throws Exception {
        HttpResponse<Void> head = harness.client.send(harness.request(APP, "/small")
                .header("Accept-Encoding", "gzip").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-encoding")).isEmpty();
        assertThat(head.headers().firstValue("etag")).hasValue("\"t2\"");

        for (int status : new int[] {204, 304}) {
            HttpResponse<byte[]> response = harness.client.send(harness.request(APP, "/status/" + status)
                    .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.headers().firstValue("content-encoding")).isEmpty();
            assertThat(response.headers().firstValue("etag")).hasValue("\"t3\"");
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void compressedAnswersInARowOnOneConnectionStayWellFramed() throws Exception {
        try (RawHttp1 connection = RawHttp1.connect(harness.httpPort())) {
            for (String path : List.of("/small", "/status/204", "/small", "/gzipped", "/small")) {
                connection.send("GET " + path + " HTTP/1.1\r\nHost: " + APP + "\r\nAccept-Encoding: gzip\r\n\r\n");
                RawHttp1.Response response = connection.read();

                assertThat(response.header("connection")).as(path).isNull();
                if (path.equals("/small")) {
                    assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
                    assertIsText(new GZIPInputStream(new java.io.ByteArrayInputStream(response.bytes())), SMALL);
                } else if (path.equals("/gzipped")) {
                    assertThat(response.bytes()).isEqualTo(gzipped);
                } else {
                    assertThat(response.status()).isEqualTo(204);
                }
            }
        }
    }

    @Test
    void http2ClientsGetTheBodyCompressedToo() throws Exception {
        Curl.assumeHttp2();
        Path body = dataDir.resolve("body.gz");

        Curl.Result result = Curl.run(List.of("-sS", "--http2-prior-knowledge", "--max-time", "60", "-D", "-",
                "-o", body.toString(), "-H", "Host: " + APP, "-H", "Accept-Encoding: gzip",
                "http://127.0.0.1:" + harness.httpPort() + "/text"), null);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("HTTP/2 200").contains("content-encoding: gzip",
                "vary: Accept-Encoding", "etag: W/\"t1\"").doesNotContain("content-length");
        assertThat(Files.size(body)).isLessThan(TEXT.length / 2);
        assertIsText(new GZIPInputStream(Files.newInputStream(body)), TEXT.length);
    }
}
