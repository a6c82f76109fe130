package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.ResponseObserver;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.PendingDecision;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.Deque;

/**
 * Whether a public HTTP/1.1 request goes on to a tunnel, one request at a time on its connection: checks it, routes
 * it by Host, and asks the request phase ({@link RequestGate}). The body waits unread meanwhile; but when the
 * tunnel's policy checks bodies, it is read and held first ({@link HeldBody}: bounded in size, and in time by the
 * connection's {@link RequestBodyTimeout}), then put back at the head of the connection's backlog, to go on with the
 * request or be dropped after its answer, so that the connection stays usable either way.
 */
final class PublicAdmission {
    /** The connection, as an admission sees it. */
    interface Owner {
        /** The request goes on to its tunnel, with {@code traits} (an expectation answered here is gone from them). */
        void admitted(HttpRequest request, RequestTraits traits, Tunnel tunnel, InetSocketAddress client,
                      ResponseObserver observer);

        /** The request gets {@code page} instead, and the connection goes on as {@code ending} says. */
        void refused(FullHttpResponse page, AnswerEnding ending);
    }

    private final Owner owner;
    private final ChannelHandlerContext ctx;
    private final HttpEdge edge;
    private final PublicConnection connection;
    private final RequestBodyTimeout bodyTimeout;
    /** The connection's backlog, where a held body goes back. */
    private final Deque<Object> backlog;
    private PendingDecision<RequestDecision> decision;
    /** The current request's body while it is read whole, and until the decision. */
    private HeldBody held;
    /** Runs once the held body is whole: the request phase. */
    private Runnable whenHeld;

    PublicAdmission(Owner owner, ChannelHandlerContext ctx, HttpEdge edge, PublicConnection connection,
                    RequestBodyTimeout bodyTimeout, Deque<Object> backlog) {
        this.owner = owner;
        this.ctx = ctx;
        this.edge = edge;
        this.connection = connection;
        this.bodyTimeout = bodyTimeout;
        this.backlog = backlog;
    }

    /** Starts on a request as decoded; ends in one of the owner's calls, at once or later. */
    void begin(HttpRequest msg, RequestTraits traits) {
        PublicRequests.Rejection rejection = PublicRequests.check(msg);
        if (rejection != null) {
            owner.refused(rejection.page(ctx.alloc()), AnswerEnding.CLOSE);
            return;
        }
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        PublicRouting.Route route = PublicRouting.route(edge, ctx.alloc(), msg, client, connection);
        if (route.answer() != null) {
            owner.refused(route.answer(), AnswerEnding.closeIf(route.closeConnection() || traits.hasBody()));
        } else if (traits.hasBody() && traits.upgrade() == null && HeldBody.wanted(route.tunnel())) {
            hold(msg, traits, route.tunnel(), client);
        } else {
            decide(msg, traits, route.tunnel(), client);
        }
    }

    /** Whether the current request's body is being read whole: its contents come to {@link #content}. */
    boolean holding() {
        return held != null && whenHeld != null;
    }

    private void hold(HttpRequest msg, RequestTraits traits, Tunnel tunnel, InetSocketAddress client) {
        if (HeldBody.tooLong(msg)) {
            owner.refused(HeldBody.refusal(HeldBody.Progress.TOO_LARGE, ctx.alloc()), AnswerEnding.LINGER);
            return;
        }
        RequestTraits asHeld = traits.expectsContinue() ? continueNow(msg) : traits;
        held = new HeldBody(edge.heldBodies());
        whenHeld = () -> decide(msg, asHeld, tunnel, client);
        bodyTimeout.expectBody();
    }

    /** Answers the client's expectation now, not once the tunnel's stream opens: the policy needs the body first. */
    private RequestTraits continueNow(HttpRequest msg) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        msg.headers().remove(HttpHeaderNames.EXPECT);
        return RequestTraits.of(msg);
    }

    /** A part of the body being held. */
    void content(HttpContent content) {
        boolean broken = content.decoderResult().isFailure();
        HeldBody.Progress progress = held.add(content);
        if (progress != HeldBody.Progress.HELD || broken) {
            release();
            if (broken) {
                owner.refused(PublicRequests.BAD_FRAMING.page(ctx.alloc()), AnswerEnding.CLOSE);
            } else {
                owner.refused(HeldBody.refusal(progress, ctx.alloc()), AnswerEnding.LINGER);
            }
        } else if (content instanceof LastHttpContent) {
            bodyTimeout.bodyDone();
            Runnable decideNow = whenHeld;
            whenHeld = null;
            decideNow.run();
        }
    }

    /** The held body came too slowly. */
    void bodyTimedOut() {
        release();
        owner.refused(PublicRequests.BODY_TIMEOUT.page(ctx.alloc()), AnswerEnding.CLOSE);
    }

    private void decide(HttpRequest msg, RequestTraits traits, Tunnel tunnel, InetSocketAddress client) {
        decision = RequestGate.ask(edge, ctx.executor(), ctx.alloc(), msg, held == null ? null : held.bytes(),
                tunnel, client, observer -> {
                    unhold();
                    owner.admitted(msg, traits, tunnel, client, observer);
                }, answer -> owner.refused(answer, !unhold() && traits.hasBody() ? AnswerEnding.LINGER
                        : AnswerEnding.NEXT_REQUEST));
    }

    /** @return whether a body was held: it goes back to the backlog, to be read again */
    private boolean unhold() {
        decision = null;
        if (held == null) {
            return false;
        }
        held.returnTo(backlog);
        held = null;
        return true;
    }

    /** The connection is gone: the decision is dropped, and a held body with it. */
    void cancel() {
        if (decision != null) {
            decision.cancel();
            decision = null;
        }
        release();
    }

    private void release() {
        if (held != null) {
            held.release();
            held = null;
        }
        whenHeld = null;
    }
}
