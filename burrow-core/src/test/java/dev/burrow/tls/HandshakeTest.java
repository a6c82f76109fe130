package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Real loopback handshakes, run with every TLS engine this machine offers. */
class HandshakeTest {

    private static final String H2 = "h2";

    @TempDir
    Path dataDir;

    private LoopbackTls loopback;

    static Stream<SslProvider> providers() {
        return OpenSsl.isAvailable() ? Stream.of(SslProvider.JDK, SslProvider.OPENSSL) : Stream.of(SslProvider.JDK);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (loopback != null) {
            loopback.stop();
        }
    }

    private EdgeCertificate startEdge(SslProvider provider) {
        EdgeCertificate edge = EdgeCertificate.loadOrCreateSelfSigned(dataDir, List.of("edge.burrow.test"));
        loopback = new LoopbackTls(edge.serverContext(provider, H2));
        return edge;
    }

    @ParameterizedTest
    @MethodSource("providers")
    void matchingPinConnectsWithTls13AndH2(SslProvider provider) throws Exception {
        EdgeCertificate edge = startEdge(provider);
        SslContext client = ServerTrust.fingerprint(edge.sha256Fingerprint()).clientContext(provider, H2);

        LoopbackTls.Outcome outcome = loopback.handshake(client, "edge.burrow.test");

        assertThat(outcome.applicationProtocol()).isEqualTo(H2);
        assertThat(outcome.tlsVersion()).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void pinIgnoresHostname(SslProvider provider) throws Exception {
        EdgeCertificate edge = startEdge(provider);
        ServerTrust trust = ServerTrust.fingerprint(edge.sha256Fingerprint().replace(":", "").toLowerCase());

        assertThat(trust.verifiesHostname()).isFalse();
        assertThat(loopback.handshake(trust.clientContext(provider, H2), "other.example").applicationProtocol())
                .isEqualTo(H2);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void wrongPinFailsHandshake(SslProvider provider) {
        startEdge(provider);
        String otherPin = EdgeCertificate.loadOrCreateSelfSigned(dataDir.resolve("other"), List.of()).sha256Fingerprint();
        SslContext client = ServerTrust.fingerprint(otherPin).clientContext(provider, H2);

        assertThatThrownBy(() -> loopback.handshake(client, "localhost")).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFileTrustsEdgeUnderItsName(SslProvider provider) throws Exception {
        startEdge(provider);
        ServerTrust trust = ServerTrust.caFile(dataDir.resolve(EdgeCertificate.CERT_FILE));

        assertThat(trust.verifiesHostname()).isTrue();
        assertThat(loopback.handshake(trust.clientContext(provider, H2), "localhost").applicationProtocol())
                .isEqualTo(H2);
        assertThat(loopback.handshake(trust.clientContext(provider, H2), "edge.burrow.test").applicationProtocol())
                .isEqualTo(H2);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFileRejectsWrongHostname(SslProvider provider) {
        startEdge(provider);
        SslContext client = ServerTrust.caFile(dataDir.resolve(EdgeCertificate.CERT_FILE)).clientContext(provider, H2);

        assertThatThrownBy(() -> loopback.handshake(client, "other.example"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("other.example");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void hostnameCheckFailsClosedWhenHandlerLacksHost(SslProvider provider) {
        startEdge(provider);
        SslContext client = ServerTrust.caFile(dataDir.resolve(EdgeCertificate.CERT_FILE)).clientContext(provider, H2);

        assertThatThrownBy(() -> loopback.handshake(client, null)).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void systemTrustRejectsSelfSignedEdge(SslProvider provider) {
        startEdge(provider);
        SslContext client = ServerTrust.system().clientContext(provider, H2);

        assertThatThrownBy(() -> loopback.handshake(client, "localhost")).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void edgeRefusesTls12(SslProvider provider) throws SSLException {
        startEdge(provider);
        SslContext tls12Only = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.2")
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null)
                .build();

        assertThatThrownBy(() -> loopback.handshake(tls12Only, "localhost")).isInstanceOf(SSLException.class);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshakeCompletesWithoutCommonProtocol(SslProvider provider) throws Exception {
        EdgeCertificate edge = startEdge(provider);
        SslContext client = ServerTrust.fingerprint(edge.sha256Fingerprint()).clientContext(provider, "http/1.1");

        assertThat(loopback.handshake(client, "localhost").applicationProtocol()).isNull();
    }
}
