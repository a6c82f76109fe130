package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.TestCa;
import dev.burrow.edge.proxy.Cidr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
    /** A tunnel to an upstream that answers with the exact bytes of the request it got. */
    private static final String RAW_HOST = "raw.burrow.test";

    TunnelHarness harness;
    TestUpstream upstream;
    LoopbackServer rawUpstream;

    @BeforeAll
    void start(@TempDir Path dataDir) throws IOException {
        harness = new TunnelHarness(dataDir, b -> b.maxInitialLineLength(1024).maxHeaderSize(4096));
        upstream = new TestUpstream();
        rawUpstream = new LoopbackServer("raw-echo", PublicHttpRfc9112Test::echoRawRequest);
        Agent agent = harness.startAgent();
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app"));
        agent.http(HttpTunnelOptions.to(Integer.toString(rawUpstream.port())).withSubdomain("raw"));
    }

    @AfterAll
    void stop() throws IOException {
        harness.close();
        upstream.close();
        rawUpstream.close();
    }

    /** Reads one request as the agent sent it (head, then a Content-Length or chunked body), answers it as body. */
    private static void echoRawRequest(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        String line;
        long length = 0;
        boolean chunked = false;
        while (!(line = rawLine(in, request)).isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            }
        }
        if (chunked) {
            while ((length = Long.parseLong(rawLine(in, request).split(";")[0].trim(), 16)) > 0) {
                request.writeBytes(in.readNBytes((int) length));
                rawLine(in, request);
            }
            while (!rawLine(in, request).isEmpty()) {
                // trailer fields, kept in the echo
            }
        } else {
            request.writeBytes(in.readNBytes((int) length));
        }
        byte[] body = request.toByteArray();
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
    }

    /** One CRLF-ended line without its CRLF; the line and its CRLF are also copied to {@code copy}. */
    private static String rawLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new IOException("the request ended inside a line");
            }
            line.write(b);
        }
        copy.writeBytes(line.toByteArray());
        copy.write('\n');
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
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

    // ---- request target (RFC 9112 §3.2) ----

    @Test
    void absoluteFormTargetReachesTheUpstreamInOriginFormWithItsAuthorityAsHost() throws IOException {
        // §3.2.2: a server MUST accept the absolute form; §7.2 (with RFC 9110 §7.2): the Host sent on is the target's.
        RawHttp1.Response response = relayed("GET http://" + HOST + "/echo?x=1 HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        assertThat(response.body().lines()).contains("uri=/echo?x=1", "h:host=" + HOST);
    }

    @Test
    void absoluteFormTargetWithAnEmptyPathReachesTheUpstreamAsSlash() throws IOException {
        RawHttp1.Response response = relayed("GET HTTP://APP.burrow.test HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        assertThat(response.body()).isEqualTo("hello from upstream /");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/echo", "http://other.burrow.test/echo",
            "http://app.burrow.test:81/echo", "https://evil.example/echo"})
    void absoluteFormTargetNamingAnotherAuthorityThanTheHostHeaderGets400(String target) throws IOException {
        // The Host the upstream sees must be the tunnel the request was routed to: a target that says otherwise is
        // refused rather than routed by one and sent on with the other (RFC 9112 §3.2: a client MUST send a Host
        // identical to the target's authority).
        RawHttp1.Response response = refusedWith(400, "GET " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        assertThat(response.header("burrow-error")).isEqualTo("bad_target");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user@app.burrow.test/echo", "http://user:pw@app.burrow.test/echo",
            "ftp://app.burrow.test/echo", "http:///echo", "http://app.burrow.test:99999/echo"})
    void absoluteFormTargetWithUserinfoAnotherSchemeOrNoHostGets400(String target) throws IOException {
        // RFC 9110 §4.2.4: userinfo in an http(s) URI is an error; the edge serves only http and https.
        refusedWith(400, "GET " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void originFormTargetNotStartingWithSlashGets400() throws IOException {
        refusedWith(400, "GET echo HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void authorityFormTargetOutsideConnectGets400() throws IOException {
        // §3.2.3: the authority form is only for CONNECT.
        refusedWith(400, "GET app.burrow.test:80 HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void connectIsNotImplemented() throws IOException {
        // §3.2.3 and RFC 9110 §9.3.6: the edge is no forward proxy; a method it does not implement gets 501.
        RawHttp1.Response response = refusedWith(501, "CONNECT app.burrow.test:443 HTTP/1.1\r\nHost: " + HOST
                + ":443\r\n\r\n");

        assertThat(response.header("burrow-error")).isEqualTo("method_not_implemented");
    }

    @Test
    void asteriskFormTargetOutsideOptionsGets400() throws IOException {
        // §3.2.4: the asterisk form is only for OPTIONS.
        refusedWith(400, "GET * HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void asteriskFormOptionsIsRelayed() throws IOException {
        try (RawHttp1 client = connect()) {
            RawHttp1.Response response = client.send("OPTIONS * HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();

            // Whatever the upstream makes of it, the answer is the upstream's, not a refusal by the edge.
            assertThat(response.header("burrow-error")).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x01, 0x08, 0x0b, 0x1f, 0x7f, 0x80, 0xff})
    void controlOrNonAsciiByteInTheTargetGets400AndCloseAtOnce(int octet) throws IOException {
        // §3.2: the target is URI characters only; an invalid request line gets 400 (§3).
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes("GET /a".getBytes(StandardCharsets.US_ASCII));
        request.write(octet);
        request.writeBytes(("b HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

        refusedWith(400, request.toByteArray());
    }

    // ---- HTTP version (RFC 9112 §2.3, RFC 9110 §2.5) ----

    @Test
    void http12IsServedAsHttp11() throws IOException {
        // RFC 9110 §2.5: a recipient SHOULD process a higher minor version of a major version it implements as the
        // highest minor version it conforms to, so HTTP/1.2 is answered (as HTTP/1.1), not refused.
        try (RawHttp1 client = connect()) {
            RawHttp1.Response first = client.send("GET /one HTTP/1.2\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(first.statusLine()).startsWith("HTTP/1.1 200 ");
            assertThat(first.body()).isEqualTo("hello from upstream /one");

            // As in HTTP/1.1 the connection persists.
            RawHttp1.Response second = client.send("GET /two HTTP/1.2\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(second.body()).isEqualTo("hello from upstream /two");
        }
    }

    @Test
    void http12WithoutHostGets400LikeHttp11() throws IOException {
        refusedWith(400, "GET / HTTP/1.2\r\nAccept: */*\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
    void majorVersionOtherThanOneGets505(String version) throws IOException {
        // RFC 9110 §15.6.6: 505 is for a major version the server does not support.
        refusedWith(505, "GET / " + version + "\r\nHost: " + HOST + "\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.10", "HTTP/01.1", "HTTPS/1.1", "FOO/1.1", "HTTP/1", "HTTP/1.1.1"})
    void versionNotMatchingTheGrammarGets400(String version) throws IOException {
        // §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, one digit each.
        refusedWith(400, "GET / " + version + "\r\nHost: " + HOST + "\r\n\r\n");
    }

    // ---- message format (RFC 9112 §2.2, §5) ----

    @Test
    void emptyLinesBeforeTheRequestLineAreIgnored() throws IOException {
        // §2.2: a server SHOULD ignore at least one empty line received before the request line.
        RawHttp1.Response response = relayed("\r\n\r\nGET /after-blank HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

        assertThat(response.body()).isEqualTo("hello from upstream /after-blank");
    }

    @Test
    void bareCrInAFieldValueGets400() throws IOException {
        // §2.2: a bare CR MUST be rejected or replaced with SP; the edge rejects.
        refusedWith(400, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo: a\rb\r\n\r\n");
    }

    @Test
    void bareCrInTheRequestLineGets400() throws IOException {
        refusedWith(400, "GET /a\rb HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void bareLfLineEndingsGet400() throws IOException {
        // §2.2 lets a recipient accept a lone LF; the edge does not, so that nothing it relays can be split
        // differently by another parser.
        refusedWith(400, "GET /echo HTTP/1.1\nHost: " + HOST + "\n\n");
    }

    @Test
    void whitespaceBetweenTheRequestLineAndTheFirstFieldGets400() throws IOException {
        // §2.2: such a line MUST be rejected or ignored; the edge rejects.
        refusedWith(400, "GET /echo HTTP/1.1\r\n X-Evil: 1\r\nHost: " + HOST + "\r\n\r\n");
    }

    @Test
    void obsoleteLineFoldingIsReplacedWithSpaceNeverReadAsAField() throws IOException {
        // §5.2: a server MUST reject obs-fold with 400 or replace it with SP before reading the field. The decoder
        // replaces it: the folded line stays part of X-Foo's value and can never pass for a field of its own (here a
        // Transfer-Encoding that would change the body's framing).
        RawHttp1.Response response = relayed("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo: bar\r\n"
                + " Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(response.body().lines()).contains("h:x-foo=bar Transfer-Encoding: chunked", "body=hello")
                .noneMatch(line -> line.startsWith("h:transfer-encoding"));
    }

    @Test
    void tabBetweenFieldNameAndColonGets400() throws IOException {
        // §5.1: a server MUST reject whitespace between a field name and the colon with 400.
        refusedWith(400, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo\t: bar\r\n\r\n");
    }

    @Test
    void fieldNameThatIsNotATokenGets400() throws IOException {
        // RFC 9110 §5.1: a field name is a token.
        refusedWith(400, "GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX(Foo): bar\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x0b, 0x7f})
    void controlByteInAFieldValueGets400(int octet) throws IOException {
        // RFC 9110 §5.5: NUL MUST be rejected or replaced; other controls are not field-value characters either.
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("GET /echo HTTP/1.1\r\nHost: " + HOST + "\r\nX-Foo: a").getBytes(StandardCharsets.US_ASCII));
        request.write(octet);
        request.writeBytes("b\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        refusedWith(400, request.toByteArray());
    }

    // ---- body framing (RFC 9112 §6, §7) ----

    @Test
    void http10RequestWithTransferEncodingGets400AndClose() throws IOException {
        // §6.1: a server MUST treat an HTTP/1.0 message with Transfer-Encoding as faultily framed and close.
        refusedWith(400, "POST /echo HTTP/1.0\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "+5", "5 5", "", "0x5", "99999999999999999999999"})
    void invalidContentLengthGets400AndClose(String length) throws IOException {
        // §6.3: an invalid Content-Length is unrecoverable: a server MUST answer 400 and close.
        refusedWith(400, "POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + length + "\r\n\r\nhello");
    }

    @Test
    void requestWithNeitherLengthNorChunkedHasNoBody() throws IOException {
        // §6.3: without Content-Length or Transfer-Encoding a request's body is empty; what follows is a new request.
        try (RawHttp1 client = connect()) {
            client.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"
                    + "GET /next HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

            assertThat(client.read().body()).contains("method=POST", "body=").endsWith("body=");
            assertThat(client.read().body()).isEqualTo("hello from upstream /next");
        }
    }

    @Test
    void chunkExtensionsAreIgnored() throws IOException {
        // §7.1.1: a recipient MUST ignore unrecognized chunk extensions.
        RawHttp1.Response response = relayed("POST /echo HTTP/1.1\r\nHost: " + HOST
                + "\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value;flag\r\nhello\r\n6 ; q=\"x y\"\r\n world\r\n"
                + "0;last\r\n\r\n");

        assertThat(response.body()).contains("body=hello world");
    }

    @Test
    void chunkExtensionsBeyondTheLineLimitGet400AndClose() throws IOException {
        // §7.1.1: a server ought to bound chunk extensions and answer 4xx beyond the bound.
        try (RawHttp1 client = connect()) {
            client.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n5;x="
                    + "e".repeat(4000) + "\r\nhello\r\n0\r\n\r\n");

            RawHttp1.Response response = client.readOrNull();
            if (response != null) {
                assertThat(response.status()).isEqualTo(400);
                assertThat(response.body()).doesNotContain("method=POST");
            }
            client.assertClosed();
        }
    }

    @Test
    void trailerFieldsStayTrailersAndFramingOrRoutingOnesAreDropped() throws IOException {
        // §7.1.2 and RFC 9110 §6.5: a trailer is never merged into the header section; Host and Content-Length, which
        // no trailer may carry, do not reach the upstream at all.
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            RawHttp1.Response response = client.send("POST /raw HTTP/1.1\r\nHost: " + RAW_HOST
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nHost: evil.example\r\n"
                    + "Content-Length: 99\r\nX-Trailer: t\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            String head = response.body().substring(0, response.body().indexOf("\r\n\r\n"));
            String trailers = response.body().substring(response.body().indexOf("\r\n0\r\n") + 5);
            assertThat(head).containsIgnoringCase("host: " + RAW_HOST).doesNotContainIgnoringCase("x-trailer")
                    .doesNotContain("evil.example").doesNotContainIgnoringCase("content-length: 99");
            assertThat(trailers).containsIgnoringCase("x-trailer: t").doesNotContain("evil.example")
                    .doesNotContainIgnoringCase("content-length");
        }
    }

    @Test
    void trailerFieldsLoseHopByHopAndProtocolFieldsAsHeadersDo() throws IOException {
        // RFC 9110 §6.5.1 and §7.6.1: what is stripped from the header section is stripped from the trailer
        // section too, as over public HTTP/2; a client cannot pose as the edge in a trailer either.
        try (RawHttp1 client = RawHttp1.connect(harness.httpPort())) {
            RawHttp1.Response response = client.send("POST /raw HTTP/1.1\r\nHost: " + RAW_HOST
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nburrow-client-addr: 6.6.6.6:1\r\n"
                    + "Keep-Alive: timeout=5\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-Trailer: t\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            String trailers = response.body().substring(response.body().indexOf("\r\n0\r\n") + 5);
            assertThat(trailers).containsIgnoringCase("x-trailer: t").doesNotContain("6.6.6.6")
                    .doesNotContainIgnoringCase("keep-alive").doesNotContainIgnoringCase("x-hop")
                    .doesNotContainIgnoringCase("connection");
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

    // ---- Expect (RFC 9110 §10.1.1) ----

    @ParameterizedTest
    @ValueSource(strings = {"something-else", "100-continue, foo", "200-ok"})
    void expectationOtherThan100ContinueGets417(String expectation) throws IOException {
        try (RawHttp1 client = connect()) {
            RawHttp1.Response response = client.send("POST /echo HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: "
                    + expectation + "\r\nContent-Length: 5\r\n\r\n").read();

            assertThat(response.status()).as(response.statusLine()).isEqualTo(417);
            assertThat(response.header("burrow-error")).isEqualTo("expectation_failed");
            client.assertClosed();
        }
    }

    @Test
    void expectContinueInHttp10IsIgnored() throws IOException {
        // §10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request: no interim answer.
        try (RawHttp1 client = connect()) {
            client.send("POST /echo HTTP/1.0\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\nhello");
            RawHttp1.Response response = client.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().lines()).contains("body=hello")
                    .noneMatch(line -> line.startsWith("h:expect="));
        }
    }

    // ---- HTTPS: the same steps behind TLS ----

    @Test
    void overHttpsAnAbsoluteFormTargetReachesTheUpstreamInOriginFormAndAnotherAuthorityGets400(@TempDir Path dir)
            throws Exception {
        TestCa ca = new TestCa("Burrow test CA");
        ca.issue("burrow.test", "*.burrow.test").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        try (TunnelHarness https = new TunnelHarness(dir.resolve("edge"), b -> b
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .publicCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem")));
             TestUpstream echo = new TestUpstream()) {
            https.startAgent().http(HttpTunnelOptions.to(Integer.toString(echo.port())).withSubdomain("app"));
            int port = https.edge.httpsAddress().getPort();

            try (RawHttp1 client = RawHttp1.connectTls(port, ca.certificate, HOST)) {
                RawHttp1.Response response = client.send("GET https://" + HOST + "/echo?tls=1 HTTP/1.1\r\nHost: "
                        + HOST + "\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body().lines()).contains("uri=/echo?tls=1", "h:host=" + HOST);
            }
            try (RawHttp1 client = RawHttp1.connectTls(port, ca.certificate, HOST)) {
                RawHttp1.Response response = client.send("GET https://evil.example/echo HTTP/1.1\r\nHost: " + HOST
                        + "\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(400);
                assertThat(response.header("burrow-error")).isEqualTo("bad_target");
                client.assertClosed();
            }
        }
    }
}
