package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.JsonAnswer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's way in and out, before the gate:
 * <ul>
 * <li>{@code POST /login} with {@code {"token": "…"}}: the admin token, checked as a bearer token is
 * ({@link TokenCheck}: the same compare, throttle and audit), from no other origin ({@link CrossSiteCheck}); answers
 * the session's cookie ({@link SessionCookie}) and its CSRF token;</li>
 * <li>{@code GET /session}: the CSRF token again, for a page reloaded while its cookie lives; 401 without one;</li>
 * <li>{@code POST /logout}: ends the session, with its CSRF token, as any change made with the cookie.</li>
 * </ul>
 * A body is bounded by the listener's body limit, before this handler.
 *
 * <p>Releases the requests it answers; passes on every other one.
 */
@ChannelHandler.Sharable
final class OperatorLogin extends ChannelInboundHandlerAdapter {
    private static final Map<String, HttpMethod> PATHS = Map.of(
            "/login", HttpMethod.POST, "/session", HttpMethod.GET, "/logout", HttpMethod.POST);

    private final TokenCheck tokens;
    private final OperatorSessions sessions;
    private final AuditLog audit;

    OperatorLogin(TokenCheck tokens, OperatorSessions sessions, AuditLog audit) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.audit = audit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String path = msg instanceof FullHttpRequest request && request.decoderResult().isSuccess()
                ? new QueryStringDecoder(request.uri()).path() : null;
        HttpMethod method = path == null ? null : PATHS.get(path);
        if (method == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        FullHttpResponse answer;
        try {
            answer = answer(request, path, method, ClientAddress.of(ctx.channel()));
        } catch (ApiError refusal) {
            answer = AdminApi.errorAnswer(refusal);
        } finally {
            request.release();
        }
        JsonAnswer.write(ctx, answer, keepAlive);
    }

    private FullHttpResponse answer(FullHttpRequest request, String path, HttpMethod method,
                                    InetSocketAddress client) {
        if (!request.method().equals(method)) {
            FullHttpResponse refused = AdminApi.errorAnswer(new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method_not_allowed", request.method() + " is not allowed here; allowed: " + method));
            refused.headers().set(HttpHeaderNames.ALLOW, method.name());
            return refused;
        }
        if (path.equals("/login")) {
            return login(request, client);
        }
        OperatorSessions.Session session = sessions.find(SessionCookie.read(request));
        if (session == null) {
            return TokenCheck.unauthorized("no such session, or it has ended: log in again");
        }
        if (path.equals("/session")) {
            return JsonAnswer.of(HttpResponseStatus.OK, AdminJson.bytes(sessionBody(session)));
        }
        ApiError crossSite = CrossSiteCheck.refusal(request, session);
        if (crossSite != null) {
            audit.adminRefused(session.actor(), client, path, crossSite.code());
            throw crossSite;
        }
        sessions.end(session);
        audit.operatorSession(session.actor(), "admin.logout", client);
        FullHttpResponse answer = JsonAnswer.of(HttpResponseStatus.OK,
                AdminJson.bytes(AdminJson.object().put("logged_out", session.actor())));
        answer.headers().set(HttpHeaderNames.SET_COOKIE, SessionCookie.cleared());
        return answer;
    }

    private FullHttpResponse login(FullHttpRequest request, InetSocketAddress client) {
        ApiError foreign = CrossSiteCheck.foreignOrigin(request);
        if (foreign != null) {
            audit.adminRefused("anonymous", client, "/login", foreign.code());
            throw foreign;
        }
        JsonNode body = AdminApi.jsonBody(request);
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("the login needs a JSON object as its body: {\"token\": \"…\"}");
        }
        Fields.onlyKnown(body, Set.of("token"));
        TokenCheck.Verdict verdict = tokens.check(client, "/login", Fields.text(body, "token", true));
        if (!verdict.admitted()) {
            return TokenCheck.refusal(verdict, "that is not the admin token");
        }
        OperatorSessions.Opened opened = sessions.open();
        audit.operatorSession(opened.session().actor(), "admin.login", client);
        FullHttpResponse answer = JsonAnswer.of(HttpResponseStatus.OK,
                AdminJson.bytes(sessionBody(opened.session())));
        answer.headers().set(HttpHeaderNames.SET_COOKIE, SessionCookie.set(opened.id(),
                CrossSiteCheck.overTls(request)));
        return answer;
    }

    /** What the page is told of its session: its name in the audit log, and its CSRF token. */
    private static ObjectNode sessionBody(OperatorSessions.Session session) {
        return AdminJson.object().put("session", session.actor()).put("csrf", session.csrf());
    }
}
