package dev.burrow.edge.acme;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The key authorizations the edge publishes for the HTTP-01 challenges it is waiting on, by token. The public HTTP
 * listener answers {@code /.well-known/acme-challenge/TOKEN} from here and passes other tokens on to the tunnel.
 * Holds at most one entry per order in flight.
 */
public final class Http01Answers {
    private final ConcurrentMap<String, String> byToken = new ConcurrentHashMap<>();

    void publish(String token, String keyAuthorization) {
        byToken.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        byToken.remove(token);
    }

    /** @return the key authorization for the token, or null if the edge awaits no such challenge */
    public String answer(String token) {
        return byToken.get(token);
    }
}
