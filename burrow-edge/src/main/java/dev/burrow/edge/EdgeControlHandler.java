package dev.burrow.edge;

import dev.burrow.config.Durations;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenScope;
import dev.burrow.store.TokenStore;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's end of the control stream: authenticates the agent's {@code hello}, then answers {@code bind} and
 * {@code unbind}. A session that fails to authenticate is told why and closed; a well-formed but wrong request
 * (a bad name, a taken name) gets an error for that request only; a line that cannot be read ends the session, and
 * so does the control stream's end. Runs on the session's event loop.
 */
final class EdgeControlHandler implements ControlLink.Listener {
    private static final Logger log = LoggerFactory.getLogger(EdgeControlHandler.class);

    private final EdgeContext edge;
    private final AgentSession session;

    EdgeControlHandler(EdgeContext edge, AgentSession session) {
        this.edge = edge;
        this.session = session;
    }

    @Override
    public void headersRead(ControlLink link, Http2Headers headers, boolean endStream) {
        // The agent's response HEADERS opening the stream: nothing to act on, unless they end it.
        if (endStream) {
            session.end().record(SessionEnd.Reason.CONTROL_CLOSED, "the agent ended the control stream");
            session.channel().close();
        }
    }

    @Override
    public void messageRead(ControlLink link, ControlMessage message) {
        handle(link, message);
    }

    private void handle(ControlLink link, ControlMessage message) {
        if (message instanceof ControlMessage.Hello hello) {
            hello(link, hello);
        } else if (!session.isAuthenticated()) {
            refuse(link, ErrorCode.BAD_MESSAGE, "hello must come first");
        } else if (message instanceof ControlMessage.Bind bind) {
            bind(link, bind);
        } else if (message instanceof ControlMessage.Unbind unbind) {
            unbind(unbind);
        } else if (message instanceof ControlMessage.Update update) {
            link.send(update(update));
        } else {
            link.send(new ControlMessage.Error(null, ErrorCode.BAD_MESSAGE,
                    "unexpected message from agent: " + message.getClass().getSimpleName()));
        }
    }

    private void hello(ControlLink link, ControlMessage.Hello hello) {
        if (session.isAuthenticated()) {
            link.send(new ControlMessage.Error(null, ErrorCode.BAD_MESSAGE, "already authenticated"));
            return;
        }
        if (hello.version() != Protocol.VERSION) {
            refuse(link, ErrorCode.VERSION_UNSUPPORTED,
                    "edge speaks protocol version " + Protocol.VERSION + ", agent sent " + hello.version());
            return;
        }
        if (edge.draining()) {
            refuse(link, ErrorCode.EDGE_DRAINING, "edge is shutting down");
            return;
        }
        String token = hello.authtoken() == null ? "" : hello.authtoken();
        AuthThrottle.Attempt attempt = edge.authThrottle.attempt(session.remoteAddress().getAddress(),
                TokenStore.idOf(token).orElse(null));
        if (!attempt.admitted()) {
            refuseTooMany(link, attempt.retryAfter());
            return;
        }
        // A store that does not answer (a database that is down makes each call wait for a connection, queued behind
        // the edge's own checks) is given half the handshake timeout, so that the agent hears why before the
        // connection's authentication deadline closes it without a word.
        Duration budget = edge.config.handshakeTimeout().dividedBy(2);
        CompletableFuture.supplyAsync(() -> edge.verify(token), edge.storeExecutor)
                .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((record, error) -> session.eventLoop()
                        .execute(() -> authenticated(link, hello, attempt, record, error)));
    }

    private void authenticated(ControlLink link, ControlMessage.Hello hello, AuthThrottle.Attempt attempt,
                               Optional<TokenRecord> record, Throwable error) {
        if (error != null) {
            edge.authThrottle.unverified(attempt);
            if (error instanceof TimeoutException) {
                log.atError().log("token store did not answer within {} during authentication",
                        Durations.format(edge.config.handshakeTimeout().dividedBy(2)));
            } else {
                log.atError().setCause(error).log("token store failed during authentication");
            }
            refuse(link, ErrorCode.INTERNAL, "edge could not check the authtoken");
            return;
        }
        if (record.isEmpty()) {
            Duration wait = edge.authThrottle.failed(attempt);
            if (wait.isZero()) {
                refuse(link, ErrorCode.AUTH_FAILED, "authtoken is invalid or revoked");
            } else {
                refuseTooMany(link, wait);
            }
            return;
        }
        edge.authThrottle.succeeded(attempt);
        AgentSession resumed = resumable(hello.resume(), record.get());
        if (resumed == null) {
            welcome(link, hello, record.get());
            return;
        }
        // The agent noticed before this edge did that its last connection went silent: that session is ended now,
        // rather than after the heartbeat's misses, and its names are free for this one once it is gone.
        log.atInfo().addKeyValue("session", session.id()).addKeyValue("replaces", resumed.id())
                .log("agent reconnected while its last session was still open; ending that one");
        resumed.supersede(session.id()).whenComplete((done, ignored) -> session.eventLoop().execute(() -> {
            if (link.stream().isActive()) {
                welcome(link, hello, record.get());
            }
        }));
    }

    /** The live session {@code id} names, if the same token made it; else null (an unknown id is no error). */
    private AgentSession resumable(String id, TokenRecord token) {
        if (id == null) {
            return null;
        }
        for (AgentSession open : edge.sessions) {
            if (open.id().equals(id) && open.token().id().equals(token.id())) {
                return open;
            }
        }
        return null;
    }

    private void welcome(ControlLink link, ControlMessage.Hello hello, TokenRecord record) {
        session.authenticated(record, link, hello);
        edge.sessions.add(session);
        edge.events().authenticated(session);
        log.atInfo().addKeyValue("session", session.id()).addKeyValue("remote", session.remoteAddress())
                .addKeyValue("token", record.name()).addKeyValue("account", record.account())
                .addKeyValue("client", hello.client())
                .log("agent connected");
        link.send(new ControlMessage.Welcome(session.id(), edge.config.edgeId()));
    }

    private void bind(ControlLink link, ControlMessage.Bind bind) {
        ControlMessage refusal = checkBind(bind);
        if (refusal != null) {
            answerBind(link, refusal);
            return;
        }
        TrafficPolicy policy;
        try {
            policy = compile(bind.trafficPolicy(), TunnelType.fromWire(bind.tunnel()));
        } catch (PolicyException e) {
            log.atInfo().addKeyValue("session", session.id()).log("bind refused: traffic policy: {}", e.getMessage());
            answerBind(link, new ControlMessage.Error(bind.id(), ErrorCode.POLICY_INVALID, e.getMessage()));
            return;
        }
        edge.binder(TunnelType.fromWire(bind.tunnel())).bind(bind, session, policy).whenComplete((answer, error) -> {
            ControlMessage reply = answer;
            if (error != null) {
                log.atError().setCause(error).addKeyValue("session", session.id()).log("bind failed");
                reply = new ControlMessage.Error(bind.id(), ErrorCode.INTERNAL, "edge could not bind the tunnel");
            } else if (answer instanceof ControlMessage.Bound bound) {
                log.atInfo().addKeyValue("session", session.id()).addKeyValue("tunnel", bound.tunnelId())
                        .addKeyValue("url", bound.url()).log("tunnel bound");
            }
            answerBind(link, reply);
        });
    }

    /** Sends a bind's answer; a refusal is counted by its code. */
    private void answerBind(ControlLink link, ControlMessage answer) {
        if (answer instanceof ControlMessage.Error refused) {
            edge.events().bindRefused(session, refused.code());
        }
        link.send(answer);
    }

    /** What every bind must pass whatever its type, or null. */
    private ControlMessage checkBind(ControlMessage.Bind bind) {
        if (edge.draining()) {
            return new ControlMessage.Error(bind.id(), ErrorCode.EDGE_DRAINING, "edge is shutting down");
        }
        TunnelType type = TunnelType.fromWire(bind.tunnel());
        if (type == null) {
            return new ControlMessage.Error(bind.id(), ErrorCode.BAD_MESSAGE,
                    "unknown tunnel type '" + bind.tunnel() + "'");
        }
        if (edge.binder(type) == null) {
            return new ControlMessage.Error(bind.id(), ErrorCode.TUNNEL_TYPE_UNAVAILABLE,
                    "this edge does not serve " + type.wireName() + " tunnels");
        }
        TokenScope scope = session.token().scope();
        if (!scope.allowsType(type.wireName())) {
            return new ControlMessage.Error(bind.id(), ErrorCode.SCOPE_DENIED, "authtoken '" + session.token().name()
                    + "' may bind only " + String.join(", ", scope.types()) + " tunnels");
        }
        if (session.tunnels().size() >= edge.config.maxTunnelsPerSession()) {
            return new ControlMessage.Error(bind.id(), ErrorCode.BAD_MESSAGE,
                    "at most " + edge.config.maxTunnelsPerSession() + " tunnels per agent session");
        }
        return null;
    }

    /**
     * A tunnel's policy as this edge can run it: compiled, fit for the tunnel's type, and asking nothing of a listener
     * the edge does not have (a client certificate needs the HTTPS listener; without it every visitor would get 403).
     */
    private TrafficPolicy compile(String text, TunnelType type) throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile(text);
        policy.checkFits(type);
        if (policy.clientAuthorities() != null && edge.config.httpsAddress() == null) {
            throw new PolicyException(0, "terminate-tls asks visitors for a client certificate over HTTPS, and this edge"
                    + " has no HTTPS listener (burrow edge --https-addr)");
        }
        return policy;
    }

    /** Replaces a tunnel's traffic policy, compiled as at bind; the tunnel keeps its address and connections. */
    private ControlMessage update(ControlMessage.Update update) {
        for (Tunnel tunnel : session.tunnels()) {
            if (tunnel.id().equals(update.tunnelId())) {
                TrafficPolicy policy;
                try {
                    policy = compile(update.trafficPolicy(), tunnel.type());
                } catch (PolicyException e) {
                    return new ControlMessage.Error(update.id(), ErrorCode.POLICY_INVALID, e.getMessage());
                }
                tunnel.replacePolicy(policy);
                log.atInfo().addKeyValue("session", session.id()).addKeyValue("tunnel", tunnel.id())
                        .log("traffic policy replaced");
                return tunnel.bound(update.id());
            }
        }
        return new ControlMessage.Error(update.id(), ErrorCode.BAD_MESSAGE, "no tunnel " + update.tunnelId()
                + " in this session");
    }

    private void unbind(ControlMessage.Unbind unbind) {
        for (Tunnel tunnel : session.tunnels()) {
            if (tunnel.id().equals(unbind.tunnelId())) {
                edge.release(tunnel);
                log.atInfo().addKeyValue("tunnel", tunnel.id()).addKeyValue("url", tunnel.url())
                        .log("tunnel unbound");
            }
        }
    }

    private void refuseTooMany(ControlLink link, Duration wait) {
        // Whole seconds, rounded up: an agent that waits what it is told finds room.
        refuse(link, ErrorCode.RATE_LIMITED,
                "too many failed attempts; retry in " + wait.plusNanos(999_999_999).toSeconds() + "s");
    }

    private void refuse(ControlLink link, ErrorCode code, String message) {
        session.end().record(SessionEnd.Reason.REFUSED, code.wireName() + ": " + message);
        edge.events().refused(session.remoteAddress(), code, message);
        link.send(new ControlMessage.Error(null, code, message))
                .addListener(f -> session.channel().close());
    }

    @Override
    public void unreadable(ControlLink link, DecoderException cause) {
        // An unparseable or oversized line leaves the stream out of step: say why, then end the session.
        refuse(link, ErrorCode.BAD_MESSAGE, "control message could not be read: " + cause.getMessage());
    }

    @Override
    public void closed(ControlLink link, Http2Error resetBy) {
        // Without its control stream a session can neither bind nor be drained: end it.
        if (session.channel().isActive()) {
            session.end().record(SessionEnd.Reason.CONTROL_CLOSED, "the control stream closed");
        }
        session.channel().close();
    }
}
