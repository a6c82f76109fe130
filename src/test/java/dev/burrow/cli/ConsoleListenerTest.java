package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleListenerTest {

    @Test
    void printsConnectionEventsAsPlainLines() {
        StringWriter err = new StringWriter();
        ConsoleListener listener = new ConsoleListener(new PrintWriter(err));

        listener.disconnected("connection lost");
        listener.reconnecting(3, Duration.ofMillis(1234));

        assertThat(err.toString().lines()).containsExactly("connection lost", "reconnecting in 1.2s (attempt 3)");
    }
}
