package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.action.Action;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.HostPort;
import dev.burrow.tls.ClientAuthorities;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
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

    /**
     * The request field with the subject of the client certificate the tunnel's {@code terminate-tls} handshake
     * verified. The edge's alone: it removes a visitor's copy from every request, and no action may set it.
     */
    public static final String CLIENT_CERT_SUBJECT = "X-Burrow-Client-Cert-Subject";

    /** The largest request body the edge reads whole for a policy that checks bodies (a webhook's signature). */
    public static final int MAX_REQUEST_BODY = 1024 * 1024;

    /** No rules: everything passes unchanged. */
    public static final TrafficPolicy NONE = new TrafficPolicy(Map.of());

    private final Map<Phase, List<Rule>> phases;
    /** Fields some action of the request phase vouches for: a visitor's copies are removed before the rules run. */
    private final Set<String> vouched = new HashSet<>();
    /** One line per denial, bounded against floods; per policy, so per tunnel. */
    private final DenialLog denials = new DenialLog(System::nanoTime);
    private final boolean needsBody;
    /** From the one {@code terminate-tls} action, if any. */
    private final ClientAuthorities clientAuthorities;
    /** Whether {@code on_tcp_connect} holds nothing but {@code terminate-tls}, the part an HTTP tunnel runs. */
    private final boolean connectOnlyTerminatesTls;

    TrafficPolicy(Map<Phase, List<Rule>> phases) {
        this.phases = Map.copyOf(phases);
        boolean body = false;
        for (Rule rule : phases.getOrDefault(Phase.ON_HTTP_REQUEST, List.of())) {
            for (Action action : rule.actions()) {
                vouched.addAll(action.vouchedRequestHeaders());
                body |= action.needsRequestBody();
            }
        }
        needsBody = body;
        ClientAuthorities required = null;
        boolean onlyTls = true;
        for (Rule rule : phases.getOrDefault(Phase.ON_TCP_CONNECT, List.of())) {
            for (Action action : rule.actions()) {
                if (action.clientAuthorities() != null) {
                    required = action.clientAuthorities();
                } else {
                    onlyTls = false;
                }
            }
        }
        this.clientAuthorities = required;
        this.connectOnlyTerminatesTls = onlyTls;
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
     * only by their requests, so it runs the HTTP phases, and of {@code on_tcp_connect} only {@code terminate-tls},
     * which its HTTPS handshakes apply; a TCP or TLS tunnel sees no requests, only connections, and its TLS, if any,
     * passes through the edge untouched, so it cannot have {@code terminate-tls}.
     */
    public void checkFits(TunnelType type) throws PolicyException {
        boolean http = type == TunnelType.HTTP;
        if (!http && clientAuthorities != null) {
            throw new PolicyException(0, "a " + type.wireName() + " tunnel cannot have terminate-tls: the edge never"
                    + " terminates its TLS; mutual TLS is for http tunnels, reached over the edge's HTTPS");
        }
        for (Phase phase : Phase.values()) {
            if (!has(phase)) {
                continue;
            }
            if (phase == Phase.ON_TCP_CONNECT && http && !connectOnlyTerminatesTls) {
                throw new PolicyException(0, "a http tunnel's on_tcp_connect takes only terminate-tls (its HTTPS"
                        + " handshakes); use on_http_request");
            }
            if (phase != Phase.ON_TCP_CONNECT && !http) {
                throw new PolicyException(0, "a " + type.wireName() + " tunnel does not run " + phase.key()
                        + "; use on_tcp_connect");
            }
        }
    }

    /**
     * The authorities whose client certificates the HTTPS handshakes of the tunnel's name require (its
     * {@code terminate-tls} rule), or null when any visitor may connect.
     */
    public ClientAuthorities clientAuthorities() {
        return clientAuthorities;
    }

    /** Whether the phase has any rule, so that the edge skips what a phase without one would cost. */
    public boolean has(Phase phase) {
        List<Rule> rules = phases.get(phase);
        return rules != null && !rules.isEmpty();
    }

    /**
     * Runs {@code on_http_request}, which may change {@code request} in place. Decided at once unless an action
     * waits ({@link PolicyContext#await}); the phase then goes on in tasks on {@code loop}, the connection's.
     *
     * @param observed given on the loop, when the request is let through, what must be told the status of the
     *     upstream's answer ({@link ResponseObserver}); the caller relays the request and tells it. Not called when
     *     no action asked for it.
     * @return null to let the request through, or the answer the client gets instead (the caller sends it)
     */
    public CompletionStage<FullHttpResponse> decide(HttpRequest request, Tunnel tunnel, InetSocketAddress client,
                                                    Executor loop, Consumer<ResponseObserver> observed) {
        return decide(request, null, tunnel, client, loop, observed);
    }

    /**
     * As {@link #decide(HttpRequest, Tunnel, InetSocketAddress, Executor, Consumer)}, with the request's whole body,
     * which the edge read first because {@link #needsRequestBody()}; the body stays the caller's.
     */
    public CompletionStage<FullHttpResponse> decide(HttpRequest request, ByteBuf body, Tunnel tunnel,
                                                    InetSocketAddress client, Executor loop,
                                                    Consumer<ResponseObserver> observed) {
        vouched.forEach(request.headers()::remove);
        return runFrom(PolicyContext.request(request, body, tunnel, client), 0, 0, loop, observed);
    }

    /**
     * Whether an action of the request phase reads the body: the edge then reads it whole, up to
     * {@link #MAX_REQUEST_BODY} (a larger one is answered 413), before the phase decides.
     */
    public boolean needsRequestBody() {
        return needsBody;
    }

    /**
     * Runs {@code on_http_response} over the head of the upstream's answer, which it may change in place.
     *
     * @return the coding the body is to get on its way to the client ({@code compress-response}), or null to leave
     *     it as it is
     */
    public ContentCoding onResponse(HttpResponse response, HttpRequest request, Tunnel tunnel,
                                    InetSocketAddress client) {
        PolicyContext context = PolicyContext.response(response, request, tunnel, client);
        run(context);
        return context.coding();
    }

    /** Runs {@code on_tcp_connect}: whether the connection may go on to the tunnel. */
    public boolean allows(Tunnel tunnel, InetSocketAddress client) {
        PolicyContext context = PolicyContext.connection(tunnel, client);
        run(context);
        if (context.refused()) {
            logDenial(context, 0, "traffic policy refused a connection");
            return false;
        }
        return true;
    }

    /** Runs the phase from action {@code action} of rule {@code rule}; mid-rule, its expressions already held. */
    private CompletionStage<FullHttpResponse> runFrom(PolicyContext context, int rule, int action, Executor loop,
                                                      Consumer<ResponseObserver> observed) {
        int[] stop = run(context, rule, action);
        if (stop == null) {
            return CompletableFuture.completedStage(requestEnded(context, observed));
        }
        return context.takeWaiting().thenComposeAsync(then -> {
            then.run();
            return context.ended() ? CompletableFuture.completedStage(requestEnded(context, observed))
                    : runFrom(context, stop[0], stop[1], loop, observed);
        }, loop);
    }

    private FullHttpResponse requestEnded(PolicyContext context, Consumer<ResponseObserver> observed) {
        FullHttpResponse answer = context.takeAnswer();
        if (answer == null && context.observer() != null) {
            observed.accept(context.observer());
        }
        if (answer == null) {
            // For the agent's inspector: which rules let the request through as it goes.
            context.acted().forEach(rule -> context.request().headers().add(Protocol.POLICY_RULES, rule));
        }
        if (answer != null && answer.status().code() >= 400 && logDenial(context, answer.status().code(),
                "traffic policy denied a request")) {
            HttpRequest request = context.request();
            context.tunnel().reportDenial(new ControlMessage.Denied(context.tunnel().id(),
                    HostPort.of(context.client()).toString(), request.method().name(), request.uri(),
                    request.headers().get(HttpHeaderNames.HOST), answer.status().code(), context.rule(),
                    answer.headers().get(Protocol.AGENT_ERROR)));
        }
        return answer;
    }

    /**
     * One line: tunnel, rule, client, status (0 for a connection), and how many lines the bound left out before.
     *
     * @return false when the bound left this one out
     */
    private boolean logDenial(PolicyContext context, int status, String message) {
        long skipped = denials.admit();
        if (skipped < 0) {
            return false;
        }
        var line = log.atInfo().addKeyValue("tunnel", context.tunnel().routeKey()).addKeyValue("rule", context.rule())
                .addKeyValue("client", context.client());
        if (status > 0) {
            line = line.addKeyValue("status", status);
        }
        if (skipped > 0) {
            line = line.addKeyValue("suppressed", skipped);
        }
        line.log(message);
        return true;
    }

    private void run(PolicyContext context) {
        if (run(context, 0, 0) != null) {
            context.takeWaiting();
            throw new IllegalStateException("an action waited in a phase that decides at once");
        }
    }

    /**
     * Runs rules and actions from the given place until the phase ends or an action waits.
     *
     * @return null when the phase is over, else where to go on once the wait is over: {rule, action}
     */
    private int[] run(PolicyContext context, int fromRule, int fromAction) {
        List<Rule> rules = phases.get(context.phase());
        if (rules == null) {
            return null;
        }
        try {
            for (int r = fromRule; r < rules.size(); r++) {
                Rule rule = rules.get(r);
                boolean resuming = r == fromRule && fromAction > 0;
                if (!resuming) {
                    if (!rule.applies(context)) {
                        continue;
                    }
                    // A rule resumed after a wait is the context's rule still, and has acted once already.
                    context.rule(rule.name());
                }
                List<Action> actions = rule.actions();
                for (int a = resuming ? fromAction : 0; a < actions.size(); a++) {
                    actions.get(a).apply(context);
                    if (context.ended()) {
                        return null;
                    }
                    if (context.waiting()) {
                        return a + 1 < actions.size() ? new int[] {r, a + 1} : new int[] {r + 1, 0};
                    }
                }
            }
            return null;
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(context.takeAnswer());
            context.takeWaiting();
            throw e instanceof PolicyEvaluationException ? e
                    : new PolicyEvaluationException("rule '" + context.rule() + "' failed: " + e, e);
        }
    }
}
