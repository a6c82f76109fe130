package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upstream with a self-signed certificate, as a developer's local HTTPS service often has. */
class UpstreamTlsTest {

    private LoopbackTls upstream;

    @BeforeEach
    void startUpstream(@TempDir Path dir) {
        EdgeCertificate certificate = EdgeCertificate.loadOrCreateSelfSigned(dir, List.of());
        upstream = new LoopbackTls(certificate.serverContext("http/1.1"));
    }

    @AfterEach
    void stopUpstream() throws InterruptedException {
        upstream.stop();
    }

    @Test
    void verifyingContextRejectsUntrustedUpstream() {
        assertThatThrownBy(() -> upstream.handshake(UpstreamTls.upstreamClientContext(true, false), "localhost"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void insecureContextAcceptsAnyUpstreamUnderAnyName() throws Exception {
        LoopbackTls.Outcome outcome = upstream.handshake(UpstreamTls.upstreamClientContext(false, false), "other.example");

        assertThat(outcome.applicationProtocol()).isEqualTo("http/1.1");
    }
}
