package dev.burrow.e2e;

import dev.burrow.edge.TestCa;
import dev.burrow.tls.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
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
        return httpClient(Pebble.trusting(root), serverName);
    }

    /** As {@link #httpClient(X509Certificate, String)}, presenting {@code client}'s certificate when asked for one. */
    static HttpClient httpClient(X509Certificate root, String serverName, TestCa.Leaf client) {
        return httpClient(presenting(root, client), serverName);
    }

    private static HttpClient httpClient(SSLContext context, String serverName) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .sslParameters(parameters).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** TLS that trusts {@code root} and has {@code client}'s key and chain to present. */
    static SSLContext presenting(X509Certificate root, TestCa.Leaf client) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", Pem.readPrivateKey(client.keyPem(), "client key"), new char[0],
                    Pem.readCertificates(client.chainPem(), "client chain").toArray(Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), Pebble.trustManagers(root), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code path} with {@code host} as the Host header, over a client made for {@code serverName}. */
    static HttpResponse<String> get(HttpClient client, int port, String host, String path)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Host", host).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A bare TLS handshake asking for {@code serverName}; returns the verified leaf the edge presented. */
    static X509Certificate handshake(int port, String serverName, X509Certificate root) throws IOException {
        return handshake(port, serverName, Pebble.trusting(root));
    }

    /** As {@link #handshake(int, String, X509Certificate)}, presenting {@code client}'s certificate when asked. */
    static X509Certificate handshake(int port, String serverName, X509Certificate root, TestCa.Leaf client)
            throws IOException {
        return handshake(port, serverName, presenting(root, client));
    }

    private static X509Certificate handshake(int port, String serverName, SSLContext tls) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
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
