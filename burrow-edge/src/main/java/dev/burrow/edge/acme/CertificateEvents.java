package dev.burrow.edge.acme;

import dev.burrow.protocol.CertificateEvent;

/** Who hears what became of each certificate order, beside the edge's log: the agent whose tunnel holds the name. */
@FunctionalInterface
public interface CertificateEvents {
    CertificateEvents NONE = (hostname, event, detail) -> {
    };

    /** Called on the manager's threads or a handshake's event loop; must not block. */
    void on(String hostname, CertificateEvent event, String detail);
}
