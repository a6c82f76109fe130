package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The authtoken in an agent's hello is read by {@link Authtoken#parse} before the edge looks anything up: any text
 * gets an answer, and the parts it gives make up the very token presented, in the documented shape.
 */
class AuthtokenFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void partsMakeUpTheTokenPresented(byte[] input) {
        String token = new String(input, StandardCharsets.UTF_8);
        Optional<Authtoken.Parts> parts = Authtoken.parse(token);
        if (parts.isEmpty()) {
            return;
        }
        assertThat(parts.get().token()).isEqualTo(token);
        assertThat(parts.get().id()).hasSize(Authtoken.ID_LENGTH).matches("[0-9a-z]+");
        assertThat(parts.get().secret()).hasSize(Authtoken.SECRET_LENGTH).matches("[A-Za-z0-9_-]+");
    }
}
