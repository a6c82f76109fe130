package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.action.Action;
import dev.burrow.protocol.TunnelType;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel's traffic policy, compiled once at bind ({@link #compile}) and run by the edge for every connection,
 * request and response of the tunnel. In each phase the rules run in order; a rule's actions run when its
 * expressions all hold; an action that answers (or refuses a connection) ends the phase. A denial is logged in one
 * line. Immutable; run on the connection's event loop.
 */
public final class TrafficPolicy {
    private static final Logger log = LoggerFactory.getLogger("dev.burrow.edge.policy");

    /** No rules: everything passes unchanged. */
    public static final TrafficPolicy NONE = new TrafficPolicy(Map.of());

    private final Map<Phase, List<Rule>> phases;

    TrafficPolicy(Map<Phase, List<Rule>> phases) {
        this.phases = Map.copyOf(phases);
    }

    /**
     * Compiles a policy's text (YAML or JSON); null or blank text is {@link #NONE}.
     *
     * @throws PolicyException naming the line and the problem: an unknown phase, key or action, a bad config, an
     *     expression that does not compile to a bool, a bound exceeded
     */
    public static TrafficPolicy compile(String text) throws PolicyException {
        return text == null || text.isBlank() ? NONE : PolicyReader.read(text);
    }

    /**
     * Refuses phases the tunnel type never runs: an HTTP tunnel's connections are shared by many tunnels and routed
     * only by their requests, so it runs the HTTP phases; a TCP or TLS tunnel sees no requests, only connections.
     */
    public void checkFits(TunnelType type) throws PolicyException {
        boolean http = type == TunnelType.HTTP;
        for (Phase phase : Phase.values()) {
            if (has(phase) && (phase == Phase.ON_TCP_CONNECT) == http) {
                throw new PolicyException(0, "a " + type.wireName() + " tunnel does not run " + phase.key()
                        + (http ? "; use on_http_request" : "; use on_tcp_connect"));
            }
        }
    }

    /** Whether the phase has any rule, so that the edge skips what a phase without one would cost. */
    public boolean has(Phase phase) {
        List<Rule> rules = phases.get(phase);
        return rules != null && !rules.isEmpty();
    }

    /**
     * Runs {@code on_http_request}: may change {@code request} in place.
     *
     * @return null to let the request through, or the answer the client gets instead (the caller sends it)
     */
    public FullHttpResponse onRequest(HttpRequest request, Tunnel tunnel, InetSocketAddress client) {
        PolicyContext context = PolicyContext.request(request, tunnel, client);
        run(context);
        FullHttpResponse answer = context.takeAnswer();
        if (answer != null && answer.status().code() >= 400) {
            log.atInfo().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("rule", context.rule())
                    .addKeyValue("client", client).addKeyValue("status", answer.status().code())
                    .log("traffic policy denied a request");
        }
        return answer;
    }

    /** Runs {@code on_http_response} over the head of the upstream's answer, which it may change in place. */
    public void onResponse(HttpResponse response, HttpRequest request, Tunnel tunnel, InetSocketAddress client) {
        run(PolicyContext.response(response, request, tunnel, client));
    }

    /** Runs {@code on_tcp_connect}: whether the connection may go on to the tunnel. */
    public boolean allows(Tunnel tunnel, InetSocketAddress client) {
        PolicyContext context = PolicyContext.connection(tunnel, client);
        run(context);
        if (context.refused()) {
            log.atInfo().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("rule", context.rule())
                    .addKeyValue("client", client).log("traffic policy refused a connection");
            return false;
        }
        return true;
    }

    private void run(PolicyContext context) {
        List<Rule> rules = phases.get(context.phase());
        if (rules == null) {
            return;
        }
        try {
            for (Rule rule : rules) {
                if (!rule.applies(context)) {
                    continue;
                }
                context.rule(rule.name());
                for (Action action : rule.actions()) {
                    action.apply(context);
                    if (context.ended()) {
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(context.takeAnswer());
            throw e instanceof PolicyEvaluationException ? e
                    : new PolicyEvaluationException("rule '" + context.rule() + "' failed: " + e, e);
        }
    }
}
