package dev.burrow.edge.policy.action;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code oidc}: visitors sign in with an OpenID provider before they reach the tunnel. The authorization-code flow
 * with PKCE and a nonce; its state lives in a sealed cookie bound to the browser and the callback comes back to
 * {@value #CALLBACK} on the tunnel's own host. A signed-in visitor holds a sealed session cookie
 * ({@link SealedCookie}) and reaches the upstream with {@value #EMAIL_HEADER} and {@value #SUBJECT_HEADER}, which the
 * policy strips from every request first ({@link #vouchedRequestHeaders}), so a visitor cannot forge them; the
 * edge's cookies never go upstream.
 * {@value #LOGOUT} ends the session. {@code allow_emails} and {@code allow_domains} keep everyone else out (403).
 */
final class Oidc implements Action {
    static final String CALLBACK = "/.burrow/oauth/callback";
    static final String LOGOUT = "/.burrow/logout";
    static final String EMAIL_HEADER = "X-Burrow-User-Email";
    static final String SUBJECT_HEADER = "X-Burrow-User-Subject";
    /** How long a visitor may take at the provider. */
    static final Duration SIGN_IN = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger("dev.burrow.edge.policy");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OidcProvider provider;
    private final String scopes;
    private final List<String> allowEmails;
    private final List<String> allowDomains;
    private final Duration sessionLength;
    private final SealedCookie session;
    private final SealedCookie signIn;
    private final LongSupplier millis;

    Oidc(ActionConfig config) throws PolicyException {
        this(config, System::nanoTime, System::currentTimeMillis);
    }

    Oidc(ActionConfig config, LongSupplier nanos, LongSupplier millis) throws PolicyException {
        config.only("issuer_url", "client_id", "client_secret", "scopes", "allow_emails", "allow_domains",
                "max_session_duration", "auth_id");
        URI issuer;
        try {
            issuer = URI.create(config.string("issuer_url"));
        } catch (IllegalArgumentException e) {
            throw config.problem("'issuer_url' is not a URL");
        }
        if (!"https".equals(issuer.getScheme()) && !"http".equals(issuer.getScheme()) || issuer.getHost() == null) {
            throw config.problem("'issuer_url' must be an http or https URL");
        }
        String clientSecret = config.string("client_secret");
        provider = new OidcProvider(issuer, config.string("client_id"), clientSecret, nanos, millis);
        List<String> scopeList = config.strings("scopes");
        scopes = String.join(" ", scopeList.isEmpty() ? List.of("openid", "email", "profile") : scopeList);
        if (!(" " + scopes + " ").contains(" openid ")) {
            throw config.problem("'scopes' must include openid");
        }
        allowEmails = config.strings("allow_emails").stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
        allowDomains = config.strings("allow_domains").stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        sessionLength = Duration.ofHours(config.integer("max_session_duration", 12, 1, 24 * 30));
        String authId = config.string("auth_id", "oidc");
        if (!authId.matches("[a-z0-9_]{1,32}")) {
            throw config.problem("'auth_id' is 1-32 of a-z, 0-9 and _");
        }
        byte[] secret = (clientSecret + "|" + issuer).getBytes(StandardCharsets.UTF_8);
        session = new SealedCookie("__burrow_" + authId + "_session", secret, "session");
        signIn = new SealedCookie("__burrow_" + authId + "_signin", secret, "sign-in");
        this.millis = millis;
    }

    @Override
    public Set<String> vouchedRequestHeaders() {
        return Set.of(EMAIL_HEADER, SUBJECT_HEADER);
    }

    @Override
    public void apply(PolicyContext context) {
        HttpHeaders headers = context.request().headers();
        String path = new QueryStringDecoder(context.request().uri()).path();
        boolean secure = context.tunnel().url().startsWith("https://");
        if (path.equals(LOGOUT)) {
            FullHttpResponse page = page(HttpResponseStatus.OK, "Signed out", "You are signed out of this tunnel.");
            page.headers().add(HttpHeaderNames.SET_COOKIE, session.clear(secure));
            context.answer(page);
            return;
        }
        if (path.equals(CALLBACK)) {
            callback(context, secure);
            return;
        }
        String identity = session.open(headers, millis.getAsLong());
        if (identity != null) {
            String[] parts = identity.split("\n", 2);
            headers.set(SUBJECT_HEADER, parts[0]);
            if (parts.length > 1 && !parts[1].isEmpty()) {
                headers.set(EMAIL_HEADER, parts[1]);
            }
            withoutOwnCookies(headers);
            return;
        }
        HttpMethod method = context.request().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            context.answer(page(HttpResponseStatus.UNAUTHORIZED, "Sign in first",
                    "Open this tunnel in a browser to sign in."));
            return;
        }
        String returnTo = context.request().uri();
        context.await(provider.endpoints(), (waited, endpoints) -> signIn(waited, endpoints, returnTo, secure));
    }

    private void signIn(PolicyContext context, OidcProvider.Endpoints endpoints, String returnTo, boolean secure) {
        String state = random();
        String verifier = random();
        String nonce = random();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", provider.clientId());
        query.put("redirect_uri", context.tunnel().url() + CALLBACK);
        query.put("scope", scopes);
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        String authorization = endpoints.authorization().toString();
        FullHttpResponse redirect = redirect(authorization + (authorization.contains("?") ? "&" : "?")
                + OidcProvider.form(query));
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, signIn.seal(String.join("\n", state, verifier, nonce,
                returnTo), millis.getAsLong() + SIGN_IN.toMillis(), secure));
        context.answer(redirect);
    }

    private void callback(PolicyContext context, boolean secure) {
        Map<String, List<String>> params = new QueryStringDecoder(context.request().uri()).parameters();
        String pending = signIn.open(context.request().headers(), millis.getAsLong());
        String code = first(params, "code");
        String state = first(params, "state");
        String[] parts = pending == null ? null : pending.split("\n", 4);
        if (parts == null || parts.length != 4 || code == null || state == null
                || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8),
                        state.getBytes(StandardCharsets.UTF_8))) {
            context.answer(page(HttpResponseStatus.UNAUTHORIZED, "Sign-in failed",
                    "This sign-in was not started here, or took too long. Open the tunnel again to sign in."));
            return;
        }
        String returnTo = parts[3];
        String tunnel = context.tunnel().routeKey();
        context.await(provider.exchange(code, parts[1], context.tunnel().url() + CALLBACK, parts[2])
                .handle((claims, failure) -> {
                    if (failure != null) {
                        log.atInfo().addKeyValue("tunnel", tunnel).log("oidc sign-in failed: {}",
                                failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                    }
                    return failure == null ? claims : null;
                }), (waited, claims) -> signedIn(waited, claims, returnTo, secure));
    }

    private void signedIn(PolicyContext context, JWTClaimsSet claims, String returnTo, boolean secure) {
        if (claims == null) {
            context.answer(page(HttpResponseStatus.UNAUTHORIZED, "Sign-in failed",
                    "The identity provider's answer could not be checked. Open the tunnel again to sign in."));
            return;
        }
        String email = email(claims);
        if (!allowed(email)) {
            context.answer(page(HttpResponseStatus.FORBIDDEN, "Not allowed",
                    "Your account may not use this tunnel."));
            return;
        }
        FullHttpResponse redirect = redirect(context.tunnel().url() + returnTo);
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, session.seal(claims.getSubject() + "\n"
                + (email == null ? "" : email), millis.getAsLong() + sessionLength.toMillis(), secure));
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, signIn.clear(secure));
        context.answer(redirect);
    }

    /** The verified email, lower case, or null when the provider gave none or says it is not verified. */
    private static String email(JWTClaimsSet claims) {
        Object email = claims.getClaim("email");
        Object verified = claims.getClaim("email_verified");
        if (!(email instanceof String address) || Boolean.FALSE.equals(verified)) {
            return null;
        }
        return address.toLowerCase(Locale.ROOT);
    }

    private boolean allowed(String email) {
        if (allowEmails.isEmpty() && allowDomains.isEmpty()) {
            return true;
        }
        if (email == null) {
            return false;
        }
        return allowEmails.contains(email) || allowDomains.contains(email.substring(email.indexOf('@') + 1));
    }

    /** Keeps the edge's own cookies from the upstream: they are the edge's, and a session cookie is a credential. */
    private void withoutOwnCookies(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
            if (!cookie.name().startsWith("__burrow_")) {
                kept.add(cookie.name() + "=" + cookie.value());
            }
        }
        if (kept.isEmpty()) {
            headers.remove(HttpHeaderNames.COOKIE);
        } else {
            headers.set(HttpHeaderNames.COOKIE, kept.stream().collect(Collectors.joining("; ")));
        }
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static FullHttpResponse redirect(String location) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static FullHttpResponse page(HttpResponseStatus status, String title, String detail) {
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, status, "policy_oidc", title, detail);
        page.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return page;
    }
}
