package dev.burrow.cli;

import dev.burrow.transport.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Tries a listen address before the edge binds it. The edge's own bind error does not say which of its listeners
 * failed; this check can name the option to change.
 */
final class Ports {
    private Ports() {
    }

    /** Why nothing can listen on {@code address} right now, or empty if something can. */
    static Optional<String> whyNotBindable(InetSocketAddress address) {
        if (address.getPort() == 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            // As the edge's listeners do, so a port held only by TIME_WAIT connections counts as free.
            socket.setReuseAddress(true);
            socket.bind(address);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    static void requireBindable(HostPort address, String option) {
        whyNotBindable(address.toSocketAddress()).ifPresent(reason -> {
            throw new CommandFailure("cannot listen on " + address + " (" + option + "): " + reason);
        });
    }
}
