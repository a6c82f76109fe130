package dev.burrow.edge.admin;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Plans;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.observe.TunnelTraffic;
import dev.burrow.store.AccountStore;
import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import dev.burrow.store.NameStore;
import dev.burrow.store.TokenStore;
import dev.burrow.store.UsageStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the admin listener needs of the edge: its store, its plans and domain, its live sessions and tunnels, its DNS
 * look-ups, and whether it is ready.
 */
public interface AdminEdge {
    /** What became of a request to end a session. */
    enum SessionEnding { ENDED, ALREADY_ENDING, NO_SUCH_SESSION }

    AccountStore accounts();

    TokenStore tokens();

    NameStore names();

    DomainStore domains();

    UsageStore usage();

    /** The plans accounts are held to now; a reload of the edge's configuration replaces them. */
    Plans plans();

    /** The edge's own domain, whose names every account binds without a domain of its own. */
    String domain();

    /**
     * Looks the domain's TXT record up now at the edge's DNS server, on the thread the edge's own domain checks run
     * on: a look-up may wait seconds, which neither an event loop nor the store's thread (it authenticates agents)
     * may spend.
     */
    CompletableFuture<DomainProof.Result> proveDomain(Domain domain);

    /** Where blocking store calls run, never on an event loop. */
    Executor storeExecutor();

    /** Runs a blocking store call on {@link #storeExecutor()}. */
    default <T> CompletableFuture<T> onStore(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, storeExecutor());
    }

    /** Authenticated sessions, live now. */
    List<AgentSession> sessions();

    /** Tunnels bound now. */
    List<Tunnel> tunnels();

    /** A tunnel's figures since it was bound. */
    TunnelTraffic.Figures traffic(Tunnel tunnel);

    /**
     * Ends a live session for the operator: its agent is told {@code reason} with {@code session_ended}, which it does
     * not retry, and its names are freed at once.
     */
    SessionEnding endSession(String id, String reason);

    /**
     * Completes with null when the edge takes traffic (its listeners bound, its store answering, not draining), else
     * with why not, in a word or two.
     */
    CompletableFuture<String> notReady();
}
