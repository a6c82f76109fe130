package dev.burrow.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * PEM text reaches {@link Pem} from the operator's certificate and key files and from an ACME CA's certificate chain:
 * whatever the text, the reader gives certificates or a key, or refuses with an {@link IllegalArgumentException} that
 * names the source, the one failure its callers turn into a message.
 */
class PemFuzzTest {
    private static final String SOURCE = "fuzz.pem";

    @FuzzTest(maxDuration = "10m")
    void readsOrRefusesNamingTheSource(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        try {
            assertThat(Pem.readCertificates(text, SOURCE)).isNotEmpty();
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageStartingWith(SOURCE + ": ");
        }
        try {
            assertThat(Pem.readPrivateKey(text, SOURCE)).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageStartingWith(SOURCE + ": ");
        }
    }
}
