package dev.burrow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A GET straight to the edge's socket with the tunnel's Host header: the JDK clients refuse to set Host, and
 * NAME.localhost does not resolve everywhere.
 */
final class RawHttp {
    private RawHttp() {
    }

    static String get(InetSocketAddress edgeHttp, String tunnelUrl, String path) throws IOException {
        String host = URI.create(tunnelUrl).getAuthority();
        try (Socket socket = new Socket(edgeHttp.getAddress(), edgeHttp.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
