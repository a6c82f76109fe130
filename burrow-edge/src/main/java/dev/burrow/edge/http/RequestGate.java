package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.RequestPhase;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.edge.proxy.ForwardedClient;
import dev.burrow.transport.ErrorPages;
import dev.burrow.transport.PendingDecision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request phase of one routed public request, whatever its HTTP version: asks the edge's
 * {@link dev.burrow.edge.policy.RequestPhase}, waits for its decision on the connection's loop (at most the edge's
 * policy timeout) and applies it. Allowed, the request carries the phase's changes, its body framing as the client
 * sent it. Otherwise the client gets the phase's answer, or the edge's own page when the decision failed
 * ({@code 500 policy_failed}) or came too late ({@code 504 policy_timeout}); each of those is logged once.
 */
final class RequestGate {
    private static final Logger log = LoggerFactory.getLogger(RequestGate.class);

    private RequestGate() {
    }

    /**
     * @param body the request's whole body when it was held for the tunnel's policy ({@link HeldBody}), or null;
     *     the caller's, and held until the decision
     * @param peer the request's peer: the client, unless it is one of the edge's trusted proxies
     * @param allowed runs on the loop when the request may go on to its tunnel, with what the tunnel's policy wants
     *     told the status of its answer (null for nothing)
     * @param answered runs on the loop with the response the client gets instead (the receiver sends and releases it)
     * @return the pending decision: cancel it if the client goes away first
     */
    static PendingDecision<RequestDecision> ask(HttpEdge edge, EventExecutor loop, ByteBufAllocator alloc,
                                                HttpRequest request, ByteBuf body, Tunnel tunnel,
                                                InetSocketAddress peer, Consumer<ResponseObserver> allowed,
                                                Consumer<FullHttpResponse> answered) {
        // The phases judge the client, which a trusted proxy names rather than is.
        InetSocketAddress client = ForwardedClient.of(request.headers(), peer, edge.trustedProxies());
        BodyFraming framing = BodyFraming.of(request.headers());
        String target = request.uri();
        // Set by the policy on the loop, read there once it decided: the decision itself is the edge's public API.
        AtomicReference<ResponseObserver> observer = new AtomicReference<>();
        return PendingDecision.await(() -> decide(edge.policyPhases().request(), loop, request, body, tunnel,
                        client, observer::set), loop,
                edge.policyTimeout(), new PendingDecision.Handler<>() {
                    @Override
                    public void decided(RequestDecision decision) {
                        if (decision instanceof RequestDecision.Answer answer) {
                            FullHttpResponse response = answer.response();
                            if (!HttpUtil.isContentLengthSet(response)) {
                                // An HTTP/1.1 client that keeps its connection learns the answer's end from it.
                                HttpUtil.setContentLength(response, response.content().readableBytes());
                            }
                            answered.accept(response);
                            return;
                        }
                        try {
                            ((RequestDecision.Allow) decision).edit().accept(request);
                        } catch (RuntimeException e) {
                            failed(e);
                            return;
                        }
                        framing.restore(request.headers());
                        String changed = request.uri();
                        if (!changed.equals(target) && !(changed.startsWith("/")
                                && RequestTarget.isVisibleAscii(changed))) {
                            failed(new IllegalArgumentException("the phase set a target that is not a path: "
                                    + changed));
                            return;
                        }
                        allowed.accept(observer.get());
                    }

                    @Override
                    public void failed(Throwable cause) {
                        log.atWarn().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("client", client)
                                .setCause(cause).log("request phase failed; client gets 500 policy_failed");
                        answered.accept(ErrorPages.page(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                "policy_failed", "Internal Server Error",
                                "The edge could not decide whether to let this request through."));
                    }

                    @Override
                    public void timedOut() {
                        log.atWarn().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("client", client)
                                .addKeyValue("timeout", edge.policyTimeout())
                                .log("request phase did not decide in time; client gets 504 policy_timeout");
                        answered.accept(ErrorPages.page(alloc, HttpResponseStatus.GATEWAY_TIMEOUT,
                                "policy_timeout", "Gateway Timeout",
                                "The edge could not decide in time whether to let this request through."));
                    }
                }, RequestDecision::release);
    }

    /**
     * The edge's request phase, then the tunnel's traffic policy, which sees the request as the phase left it. The
     * policy runs on the loop: at once, or in a task there after a phase that decided later.
     */
    private static CompletionStage<RequestDecision> decide(RequestPhase first, EventExecutor loop,
                                                           HttpRequest request, ByteBuf body, Tunnel tunnel,
                                                           InetSocketAddress client,
                                                           Consumer<ResponseObserver> observed) {
        TrafficPolicy policy = tunnel.policy();
        if (!policy.has(Phase.ON_HTTP_REQUEST)) {
            return first.decide(request, tunnel, client);
        }
        if (first == RequestPhase.ALLOW_ALL) {
            return byPolicy(policy, request, body, tunnel, client, loop, observed);
        }
        return first.decide(request, tunnel, client).thenComposeAsync(decision -> {
            if (decision instanceof RequestDecision.Allow allow) {
                allow.edit().accept(request);
                return byPolicy(policy, request, body, tunnel, client, loop, observed);
            }
            return CompletableFuture.completedStage(decision);
        }, loop);
    }

    private static CompletionStage<RequestDecision> byPolicy(TrafficPolicy policy, HttpRequest request,
                                                             ByteBuf body, Tunnel tunnel, InetSocketAddress client,
                                                             EventExecutor loop,
                                                             Consumer<ResponseObserver> observed) {
        return policy.decide(request, body, tunnel, client, loop, observed)
                .thenApply(answer -> answer == null ? RequestDecision.allow() : RequestDecision.answer(answer));
    }
}
