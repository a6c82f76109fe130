package dev.burrow.edge;

import dev.burrow.edge.acme.CertificateEvents;
import dev.burrow.protocol.CertificateEvent;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Tells the agent whose HTTP tunnel holds a name what became of that name's certificate, so that its console says
 * why the first HTTPS visit waits, or fails. Visitors decide how often an order is tried, so one event of one name
 * reaches its agent at most once a {@link #REPEAT}; agents that did not say they understand the message get none.
 */
final class CertificateNotices implements CertificateEvents {
    static final Duration REPEAT = Duration.ofMinutes(1);
    /** Past this many remembered events, those older than {@link #REPEAT} are forgotten. */
    private static final int PRUNE_ABOVE = 4096;

    private final Function<String, ? extends Tunnel> httpTunnels;
    private final LongSupplier nanoClock;
    private final Map<String, Long> lastSent = new ConcurrentHashMap<>();

    /** @param httpTunnels the HTTP tunnel holding a hostname now, or null */
    CertificateNotices(Function<String, ? extends Tunnel> httpTunnels, LongSupplier nanoClock) {
        this.httpTunnels = httpTunnels;
        this.nanoClock = nanoClock;
    }

    @Override
    public void on(String hostname, CertificateEvent event, String detail) {
        Tunnel tunnel = httpTunnels.apply(hostname);
        AgentSession session = tunnel == null ? null : tunnel.session();
        if (session == null || !session.understands(Protocol.FEATURE_CERTIFICATE)
                || !due(tunnel.id() + ' ' + hostname + ' ' + event.wireName())) {
            return;
        }
        session.tell(new ControlMessage.Certificate(tunnel.id(), hostname, event, detail));
    }

    private boolean due(String key) {
        long now = nanoClock.getAsLong();
        if (lastSent.size() > PRUNE_ABOVE) {
            lastSent.values().removeIf(sent -> now - sent >= REPEAT.toNanos());
        }
        boolean[] due = {false};
        lastSent.compute(key, (k, sent) -> {
            due[0] = sent == null || now - sent >= REPEAT.toNanos();
            return due[0] ? now : sent;
        });
        return due[0];
    }
}
