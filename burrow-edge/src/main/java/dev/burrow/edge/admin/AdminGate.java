package dev.burrow.edge.admin;

import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.JsonAnswer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Lets through to the API only requests from the operator: with the admin token as
 * {@code Authorization: Bearer TOKEN} ({@link TokenCheck}: 401, and 429 once throttled), or, with no
 * {@code Authorization}, with a dashboard session's cookie ({@link SessionCookie}). An unknown or ended session is
 * answered 401 and audited, but not throttled: its id is 256 random bits, past guessing, and a page whose session
 * ended makes several calls at once that must not lock its operator out of the login. A change made with the cookie
 * must pass {@link CrossSiteCheck} (403 otherwise). The probes ({@code /healthz}, {@code /readyz}, and
 * {@code /metrics} when it is public) need nothing, and neither does a request the decoder could not read, which is
 * refused anyway.
 *
 * <p>Passes on what it lets through as an {@link AdminCall} naming its sender; releases what it refuses.
 */
@ChannelHandler.Sharable
final class AdminGate extends ChannelInboundHandlerAdapter {
    private static final String BEARER = "Bearer ";

    private final TokenCheck tokens;
    private final OperatorSessions sessions;
    private final Set<String> open;
    private final EdgeMetrics metrics;
    private final AuditLog audit;

    AdminGate(TokenCheck tokens, OperatorSessions sessions, boolean metricsPublic, EdgeMetrics metrics,
              AuditLog audit) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.open = metricsPublic ? Set.of("/healthz", "/readyz", "/metrics") : Set.of("/healthz", "/readyz");
        this.metrics = metrics;
        this.audit = audit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (request.decoderResult().isFailure() || open.contains(path)) {
            ctx.fireChannelRead(new AdminCall(request, "anonymous", true));
            return;
        }
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        String cookie = SessionCookie.read(request);
        if (cookie != null && !request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
            bySession(ctx, request, client, path, cookie);
            return;
        }
        TokenCheck.Verdict verdict = tokens.check(client, path, bearer(request));
        if (verdict.admitted()) {
            ctx.fireChannelRead(new AdminCall(request, "admin", true));
            return;
        }
        refuse(ctx, request, TokenCheck.refusal(verdict,
                "this call needs the admin token as Authorization: Bearer TOKEN"));
    }

    private void bySession(ChannelHandlerContext ctx, FullHttpRequest request, InetSocketAddress client, String path,
                           String cookie) {
        OperatorSessions.Session session = sessions.find(cookie);
        if (session == null) {
            audit.adminRefused("anonymous", client, path, "no_session");
            metrics.adminRefused("no_session");
            refuse(ctx, request, TokenCheck.unauthorized("no such session, or it has ended: log in again"));
            return;
        }
        ApiError crossSite = CrossSiteCheck.refusal(request, session);
        if (crossSite != null) {
            audit.adminRefused(session.actor(), client, path, crossSite.code());
            refuse(ctx, request, AdminApi.errorAnswer(crossSite));
            return;
        }
        ctx.fireChannelRead(new AdminCall(request, session.actor(), false));
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse answer) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.release();
        JsonAnswer.write(ctx, answer, keepAlive);
    }

    private static String bearer(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).strip();
    }
}
