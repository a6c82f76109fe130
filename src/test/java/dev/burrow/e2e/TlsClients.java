package dev.burrow.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Public HTTPS clients for tests: they dial the edge on 127.0.0.1 but ask for a tunnel's name in SNI, and verify the
 * edge's certificate against one root and against that name (the JDK checks the SNI name first), so nothing needs
 * DNS and nothing goes unchecked.
 */
final class TlsClients {
    private TlsClients() {
    }

    /** java.net.http over HTTPS to {@code serverName} on the edge's HTTPS port. */
    static HttpClient httpClient(X509Certificate root, String serverName) {
        SSLContext context = Pebble.trusting(root);
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .sslParameters(parameters).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** GET {@code path} with {@code host} as the Host header, over a client made for {@code serverName}. */
    static HttpResponse<String> get(HttpClient client, int port, String host, String path)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Host", host).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A bare TLS handshake asking for {@code serverName}; returns the verified leaf the edge presented. */
    static X509Certificate handshake(int port, String serverName, X509Certificate root) throws IOException {
        try (SSLSocket socket = (SSLSocket) Pebble.trusting(root).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
