package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A bare HTTP/1.1 client on a socket, plain or TLS, for tests that must send what real clients never do: the bytes
 * are written as given, and each response is read off the socket by its own framing, so nothing between the test and
 * the edge repairs the request or the answer.
 */
final class RawHttp1 implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp1(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A plain connection to the edge's port on 127.0.0.1. */
    static RawHttp1 connect(int port) throws IOException {
        return new RawHttp1(new Socket("127.0.0.1", port));
    }

    /** A TLS connection (ALPN http/1.1 only) asking for {@code serverName}, verified against {@code root}. */
    static RawHttp1 connectTls(int port, X509Certificate root, String serverName) throws IOException {
        SSLSocket socket = (SSLSocket) Pebble.trusting(root).getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return new RawHttp1(socket);
    }

    /** Writes {@code raw} as ISO-8859-1, so that each char is one byte as written. */
    RawHttp1 send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp1 send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    OutputStream output() {
        return out;
    }

    /** The bytes from the edge not yet read as responses, for a test that reads them its own way. */
    InputStream input() {
        return in;
    }

    /** The next response; fails if the edge closes first or says nothing within the read timeout. */
    Response read() throws IOException {
        return read(false);
    }

    /** The next response to a HEAD request (headers only). */
    Response readHead() throws IOException {
        return read(true);
    }

    private Response read(boolean head) throws IOException {
        Response response = readOrNull(head);
        if (response == null) {
            fail("the edge closed the connection without answering");
        }
        return response;
    }

    /** The next response, or null if the connection ended (or was reset) before a status line. */
    Response readOrNull() throws IOException {
        return readOrNull(false);
    }

    private Response readOrNull(boolean head) throws IOException {
        try {
            return parse(in, head);
        } catch (SocketException e) {
            if (isReset(e)) {
                return null;
            }
            throw e;
        } catch (SocketTimeoutException e) {
            fail("no answer from the edge within " + READ_TIMEOUT_MILLIS + " ms");
            return null;
        }
    }

    /**
     * Reads one response off {@code in} by its own framing, or null if the stream ended before a status line. A
     * failing or silent socket is the caller's to judge: its exceptions pass through.
     */
    static Response parse(InputStream in, boolean head) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = requireLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        byte[] body;
        if (head || status / 100 == 1 || status == 204 || status == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length != length) {
                fail("the body ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(statusLine, status, headers, new String(body, StandardCharsets.UTF_8), body);
    }

    /**
     * Asserts the edge closed the connection: a read sees the end of the stream (or a reset, which also means closed)
     * before the read timeout. Bytes still unread are a failure: nothing may follow the answer.
     */
    void assertClosed() throws IOException {
        try {
            int b = in.read();
            if (b != -1) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 200));
                fail("expected the connection to be closed, but more bytes followed: "
                        + (char) b + new String(rest, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            fail("the edge left the connection open for " + READ_TIMEOUT_MILLIS + " ms");
        } catch (SocketException e) {
            assertThat(isReset(e)).as("closed or reset, not: %s", e).isTrue();
        }
    }

    private static boolean isReset(SocketException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("reset") || message.contains("closed") || message.contains("broken pipe");
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = requireLine(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!requireLine(in).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                fail("a chunk ended early");
            }
            body.write(chunk);
            requireLine(in);
        }
    }

    private static String requireLine(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            fail("the connection ended in the middle of a response");
        }
        return line;
    }

    /** A CRLF-terminated line without its CRLF, or null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() > 0) {
            fail("the connection ended in the middle of a line: " + line.toString(StandardCharsets.ISO_8859_1));
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One response as read: header names lower-cased, repeated ones joined with ", ". */
    /** @param bytes the body as it came, for a body that is not text */
    record Response(String statusLine, int status, Map<String, String> headers, String body, byte[] bytes) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }
}
