package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.protocol.CertificateEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shows the agent's connection events as plain lines on the console (stdout, beside the "Forwarding" line; the
 * logs, which say the same at more length, go to stderr by default), and ends the session when a tunnel cannot be bound
 * again after a reconnect: an agent with no tunnel left would otherwise sit there looking healthy.
 */
final class ConsoleListener implements AgentListener {
    private final PrintWriter console;
    private final Set<AgentTunnel> announced = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<AgentException> tunnelLost = new CompletableFuture<>();

    ConsoleListener(PrintWriter console) {
        this.console = console;
    }

    @Override
    public void tunnelBound(AgentTunnel tunnel) {
        // The first bind is announced by the command itself, on stdout.
        if (!announced.add(tunnel)) {
            line("tunnel bound again: " + tunnel.url());
        }
    }

    @Override
    public void disconnected(String reason) {
        line(reason);
    }

    @Override
    public void reconnecting(int attempt, Duration delay) {
        line(String.format(Locale.ROOT, "reconnecting in %.1fs (attempt %d)", delay.toMillis() / 1000.0, attempt));
    }

    @Override
    public void bindFailed(AgentTunnel tunnel, AgentException error) {
        tunnelLost.complete(error);
    }

    @Override
    public void certificate(AgentTunnel tunnel, String hostname, CertificateEvent event, String detail) {
        line(certificateLine(hostname, event, detail));
    }

    /** What the edge said about {@code hostname}'s certificate, and what it means for a visitor, in words. */
    static String certificateLine(String hostname, CertificateEvent event, String detail) {
        String about = "certificate for " + hostname + ": ";
        return switch (event) {
            case ORDERED -> about + ("renewal".equals(detail) ? "renewing it; the current one serves meanwhile"
                    : "ordering it from the edge's CA; the first HTTPS visit waits for it");
            case ISSUED -> about + "issued, valid until " + day(detail);
            case FAILED -> about + "the order failed (" + detail + "); the next HTTPS visit orders again";
            case LIMITED -> about + "not ordered, the edge's issuance limit is reached (" + detail
                    + "); HTTPS visits fail until it allows another";
        };
    }

    private static String day(String instant) {
        if (instant == null) {
            return "a date the edge did not say";
        }
        try {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                    .format(Instant.parse(instant).atZone(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /**
     * Blocks until the agent stops or loses a tunnel for good.
     *
     * @return {@link ExitCodes#OK} after a clean stop
     * @throws AgentException the error that ended the session
     */
    int awaitStop(Agent agent) {
        AgentException fatal = agent.stopped().applyToEither(tunnelLost, error -> error).join();
        if (fatal != null) {
            throw fatal;
        }
        return ExitCodes.OK;
    }

    private void line(String text) {
        console.println(text);
        console.flush();
    }
}
