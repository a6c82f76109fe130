package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.CertificateEvent;
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

    @Test
    void saysWhatBecameOfANamesCertificateAndWhatAVisitorMeetsMeanwhile() {
        StringWriter out = new StringWriter();
        ConsoleListener listener = new ConsoleListener(new PrintWriter(out));

        listener.certificate(null, "app.example.com", CertificateEvent.ORDERED, "first use");
        listener.certificate(null, "app.example.com", CertificateEvent.ISSUED, "2027-03-07T12:00:00Z");
        listener.certificate(null, "app.example.com", CertificateEvent.ORDERED, "renewal");
        listener.certificate(null, "app.example.com", CertificateEvent.FAILED, "the CA could not reach the name");
        listener.certificate(null, "api.example.com", CertificateEvent.LIMITED, "10 per hour");

        assertThat(out.toString().lines()).containsExactly(
                "certificate for app.example.com: ordering it from the edge's CA; the first HTTPS visit waits for it",
                "certificate for app.example.com: issued, valid until 2027-03-07 12:00 UTC",
                "certificate for app.example.com: renewing it; the current one serves meanwhile",
                "certificate for app.example.com: the order failed (the CA could not reach the name); the next HTTPS"
                        + " visit orders again",
                "certificate for api.example.com: not ordered, the edge's issuance limit is reached (10 per hour);"
                        + " HTTPS visits fail until it allows another");
    }
}
