package dev.burrow.edge;

import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends live sessions whose token may no longer be used. Tokens are revoked and accounts disabled by commands that
 * write the store, possibly from another process or, with PostgreSQL, another host, so the edge asks the store:
 * one query for the tokens of every live session, every {@link #INTERVAL}. Runs on the store's thread.
 */
final class LiveTokenCheck implements Runnable {
    /** Half a second, so a revocation reaches its sessions within a second. */
    static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(LiveTokenCheck.class);

    private final TokenStore tokens;
    private final Supplier<Collection<AgentSession>> sessions;
    private boolean failing;

    LiveTokenCheck(TokenStore tokens, Supplier<Collection<AgentSession>> sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public void run() {
        Map<String, List<AgentSession>> byToken = new HashMap<>();
        for (AgentSession session : sessions.get()) {
            TokenRecord token = session.token();
            if (token != null) {
                byToken.computeIfAbsent(token.id(), id -> new ArrayList<>()).add(session);
            }
        }
        if (byToken.isEmpty()) {
            return;
        }
        Map<String, String> unusable;
        try {
            unusable = tokens.unusable(byToken.keySet());
        } catch (RuntimeException e) {
            // The store being down must not end sessions; say so once per outage, not twice a second.
            if (!failing) {
                log.atWarn().log("could not check live sessions' tokens: {}", e.getMessage());
                failing = true;
            }
            return;
        }
        if (failing) {
            log.info("checking live sessions' tokens again");
            failing = false;
        }
        unusable.forEach((id, reason) -> {
            for (AgentSession session : byToken.get(id)) {
                String said = said(session.token(), reason);
                if (session.revoke(said)) {
                    log.atInfo().addKeyValue("session", session.id()).addKeyValue("token", session.token().name())
                            .addKeyValue("account", session.token().account()).log("ending session: {}", said);
                }
            }
        });
    }

    /** What the agent's user reads: which token or account, and what happened to it. */
    private static String said(TokenRecord token, String reason) {
        return switch (reason) {
            case "account disabled" -> "account '" + token.account() + "' was disabled";
            case "expired" -> "authtoken '" + token.name() + "' expired";
            default -> "authtoken '" + token.name() + "' was " + reason;
        };
    }
}
