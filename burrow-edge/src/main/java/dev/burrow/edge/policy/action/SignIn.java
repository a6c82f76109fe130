package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code oidc} and {@code oauth}: visitors sign in with a provider before they reach the tunnel. The visitor's half
 * of the authorization-code flow with PKCE, whatever the provider ({@link IdentityProvider} is the other half): the
 * flow's state, verifier and nonce live in a sealed cookie bound to the browser, and the callback comes back to
 * {@value #CALLBACK} on the tunnel's own host. A signed-in visitor holds a sealed session cookie ({@link SealedCookie})
 * and reaches the upstream with {@value #EMAIL_HEADER}, {@value #SUBJECT_HEADER} and {@value #LOGIN_HEADER}, which
 * the policy strips from every request first ({@link #vouchedRequestHeaders}), so a visitor cannot forge them; the
 * edge's cookies never go upstream. {@value #LOGOUT} ends the session. {@code allow_emails} and {@code allow_domains}
 * keep everyone else out (403).
 */
final class SignIn implements Action {
    static final String CALLBACK = "/.burrow/oauth/callback";
    static final String LOGOUT = "/.burrow/logout";
    static final String EMAIL_HEADER = "X-Burrow-User-Email";
    static final String SUBJECT_HEADER = "X-Burrow-User-Subject";
    static final String LOGIN_HEADER = "X-Burrow-User-Login";
    /** How long a visitor may take at the provider. */
    static final Duration SIGN_IN = Duration.ofMinutes(10);
    /** A code longer than this is no provider's: refused unsent. */
    private static final int MAX_CODE = 2048;
    private static final Logger log = LoggerFactory.getLogger("dev.burrow.edge.policy");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IdentityProvider provider;
    private final SignInSettings settings;
    private final SealedCookie session;
    private final SealedCookie signIn;
    private final LongSupplier millis;

    /** @param keyContext with the client secret, what the cookies' keys derive from (the provider's address) */
    SignIn(IdentityProvider provider, SignInSettings settings, String keyContext, LongSupplier millis) {
        this.provider = provider;
        this.settings = settings;
        byte[] secret = (settings.clientSecret() + "|" + keyContext).getBytes(StandardCharsets.UTF_8);
        session = new SealedCookie("__burrow_" + settings.authId() + "_session", secret, "session");
        signIn = new SealedCookie("__burrow_" + settings.authId() + "_signin", secret, "sign-in");
        this.millis = millis;
    }

    @Override
    public Set<String> vouchedRequestHeaders() {
        return Set.of(EMAIL_HEADER, SUBJECT_HEADER, LOGIN_HEADER);
    }

    @Override
    public void apply(PolicyContext context) {
        HttpHeaders headers = context.request().headers();
        String path = decodedPath(context.request().uri());
        boolean secure = context.tunnel().url().startsWith("https://");
        if (LOGOUT.equals(path)) {
            FullHttpResponse page = page(HttpResponseStatus.OK, "Signed out", "You are signed out of this tunnel.");
            page.headers().add(HttpHeaderNames.SET_COOKIE, session.clear(secure));
            context.answer(page);
            return;
        }
        if (CALLBACK.equals(path)) {
            callback(context, secure);
            return;
        }
        String identity = session.open(headers, millis.getAsLong());
        if (identity != null) {
            String[] parts = identity.split("\n", 3);
            headers.set(SUBJECT_HEADER, parts[0]);
            if (parts.length > 1 && !parts[1].isEmpty()) {
                headers.set(EMAIL_HEADER, parts[1]);
            }
            if (parts.length > 2 && !parts[2].isEmpty()) {
                headers.set(LOGIN_HEADER, parts[2]);
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
        String state = random();
        String verifier = random();
        String nonce = random();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", settings.clientId());
        query.put("redirect_uri", context.tunnel().url() + CALLBACK);
        query.put("scope", settings.scopes());
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        String pending = String.join("\n", state, verifier, nonce, context.request().uri());
        context.await(provider.authorizationUrl(query, nonce), (waited, url) -> {
            FullHttpResponse redirect = redirect(url);
            redirect.headers().add(HttpHeaderNames.SET_COOKIE, signIn.seal(pending,
                    millis.getAsLong() + SIGN_IN.toMillis(), secure));
            waited.answer(redirect);
        });
    }

    private void callback(PolicyContext context, boolean secure) {
        Map<String, List<String>> params;
        try {
            params = new QueryStringDecoder(context.request().uri()).parameters();
        } catch (IllegalArgumentException malformedEscape) {
            params = Map.of();
        }
        String pending = signIn.open(context.request().headers(), millis.getAsLong());
        String code = first(params, "code");
        String state = first(params, "state");
        String[] parts = pending == null ? null : pending.split("\n", 4);
        if (parts == null || parts.length != 4 || code == null || code.length() > MAX_CODE || state == null
                || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8),
                        state.getBytes(StandardCharsets.UTF_8))) {
            context.answer(page(HttpResponseStatus.UNAUTHORIZED, "Sign-in failed",
                    "This sign-in was not started here, or took too long. Open the tunnel again to sign in."));
            return;
        }
        String returnTo = parts[3];
        String tunnel = context.tunnel().routeKey();
        context.await(provider.identity(code, parts[1], context.tunnel().url() + CALLBACK, parts[2])
                .handle((identity, failure) -> {
                    if (failure != null) {
                        log.atInfo().addKeyValue("tunnel", tunnel).log("sign-in failed: {}",
                                failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                    }
                    return failure == null ? identity : null;
                }), (waited, identity) -> signedIn(waited, identity, returnTo, secure));
    }

    private void signedIn(PolicyContext context, Identity identity, String returnTo, boolean secure) {
        if (identity == null) {
            context.answer(page(HttpResponseStatus.UNAUTHORIZED, "Sign-in failed",
                    "The identity provider's answer could not be checked. Open the tunnel again to sign in."));
            return;
        }
        String email = settings.admitted(identity.emails());
        if (email == null && settings.restricted()) {
            context.answer(page(HttpResponseStatus.FORBIDDEN, "Not allowed",
                    "Your account may not use this tunnel."));
            return;
        }
        FullHttpResponse redirect = redirect(context.tunnel().url() + returnTo);
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, session.seal(String.join("\n", identity.subject(),
                email == null ? "" : email, identity.login() == null ? "" : identity.login()),
                millis.getAsLong() + settings.sessionLength().toMillis(), secure));
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, signIn.clear(secure));
        context.answer(redirect);
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
            headers.set(HttpHeaderNames.COOKIE, String.join("; ", kept));
        }
    }

    /**
     * The request's path, percent-decoded; null when an escape in it is malformed (a visitor's {@code /%zz}), which
     * names neither of the action's own paths, so that the visitor is asked to sign in like any other.
     */
    private static String decodedPath(String uri) {
        try {
            return new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException malformedEscape) {
            return null;
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
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, status, "policy_sign_in", title, detail);
        page.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return page;
    }
}
