package dev.burrow.edge.admin;

import dev.burrow.edge.AgentEvents;
import dev.burrow.edge.AgentSession;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.TokenRecord;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what to the edge, and how it went, one line each, to the logger named {@value #LOGGER}: every call of the
 * admin API, an admin token refused, and agents authenticated, refused, and cut off because their token or account
 * may no longer be used. Each line says {@code actor} (the operator's {@code admin} with the bearer token, a dashboard
 * session as {@code admin-session:} and 8 hex digits, {@code token:NAME}, {@code edge}, or {@code anonymous}),
 * {@code action}, {@code target} when there is one, {@code outcome}, and {@code remote}.
 */
public final class AuditLog implements AgentEvents {
    public static final String LOGGER = "audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** A call of the admin API by {@code actor} ({@code admin}, or a dashboard session) and its answer's status. */
    void adminCall(String actor, InetSocketAddress remote, String action, String target, int status) {
        line(actor, action, target, Integer.toString(status), remote, null);
    }

    /**
     * A request to the admin listener refused before its call: a wrong or no token ({@code rejected},
     * {@code rate_limited}) or an unknown session ({@code no_session}), by {@code anonymous}; a dashboard session's
     * change without its CSRF token or from another origin, by that session.
     */
    void adminRefused(String actor, InetSocketAddress remote, String path, String outcome) {
        line(actor, "admin.authenticate", path, outcome, remote, null);
    }

    /** A dashboard session begun ({@code admin.login}) or ended by its operator ({@code admin.logout}). */
    void operatorSession(String actor, String action, InetSocketAddress remote) {
        line(actor, action, null, "ok", remote, null);
    }

    @Override
    public void authenticated(AgentSession session) {
        TokenRecord token = session.token();
        log.atInfo().addKeyValue("actor", "token:" + token.name()).addKeyValue("account", token.account())
                .addKeyValue("action", "agent.authenticate").addKeyValue("target", session.id())
                .addKeyValue("outcome", "ok").addKeyValue("remote", address(session.remoteAddress()))
                .log("agent.authenticate");
    }

    @Override
    public void refused(InetSocketAddress remote, ErrorCode code, String message) {
        line("anonymous", "agent.authenticate", null, code.wireName(), remote, message);
    }

    @Override
    public void sessionEnded(AgentSession session, String reason) {
        if (reason.equals("revoked")) {
            TokenRecord token = session.token();
            log.atInfo().addKeyValue("actor", "edge").addKeyValue("account", token.account())
                    .addKeyValue("action", "session.revoke").addKeyValue("target", session.id())
                    .addKeyValue("outcome", "ok").addKeyValue("remote", address(session.remoteAddress()))
                    .addKeyValue("detail", "token " + token.name() + " may no longer be used").log("session.revoke");
        }
    }

    private static void line(String actor, String action, String target, String outcome, InetSocketAddress remote,
                             String detail) {
        var line = log.atInfo().addKeyValue("actor", actor).addKeyValue("action", action);
        if (target != null) {
            line = line.addKeyValue("target", target);
        }
        line = line.addKeyValue("outcome", outcome).addKeyValue("remote", address(remote));
        if (detail != null) {
            line = line.addKeyValue("detail", detail);
        }
        line.log(action);
    }

    private static String address(InetSocketAddress address) {
        return address == null ? "-" : address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
