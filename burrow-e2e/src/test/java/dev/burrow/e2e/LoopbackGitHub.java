package dev.burrow.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpRouterKt;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * A real OAuth 2.0 server on loopback at GitHub Enterprise Server's paths: mock-oauth2-server, whose routes match the
 * end of a path, so its own authorization endpoint serves {@code /login/oauth/authorize} and its token endpoint
 * {@code /login/oauth/access_token} (checking PKCE and the client's secret, issuing signed access tokens). GitHub's
 * user API is not an OpenID route, so two routes are added to the same server: {@code /api/v3/user} and
 * {@code /api/v3/user/emails} answer from the claims of the access token presented, which the server verifies as
 * its own userinfo endpoint does (signature, issuer, expiry); a token it did not issue gets 401.
 */
final class LoopbackGitHub implements AutoCloseable {
    /** mock-oauth2-server names an issuer by the path before its endpoint; GitHub's token path is one whole. */
    private static final String ISSUER_ID = "login/oauth/access_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockOAuth2Server server;

    LoopbackGitHub() {
        server = new MockOAuth2Server(OAuth2HttpRouterKt.route("/api/v3/user", "GET", request -> user(request, false)),
                OAuth2HttpRouterKt.route("/api/v3/user/emails", "GET", request -> user(request, true)));
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** The {@code github_url} of this server. */
    String url() {
        String url = server.url("").toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The next sign-in is the account {@code id} with {@code login}, public email {@code publicEmail} (null for
     * none), and {@code emails} as GitHub's {@code /user/emails} lists them (null: the list cannot be read, 404).
     */
    void signInAs(long id, String login, String publicEmail, List<Map<String, Object>> emails) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("id", id);
        claims.put("login", login);
        if (publicEmail != null) {
            claims.put("email", publicEmail);
        }
        if (emails != null) {
            claims.put("emails", emails);
        }
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "user-" + id, JOSEObjectType.JWT.getType(),
                null, claims, 3600));
    }

    /** One entry of {@code /user/emails}. */
    static Map<String, Object> email(String address, boolean primary, boolean verified) {
        return Map.of("email", address, "primary", primary, "verified", verified, "visibility", "private");
    }

    private OAuth2HttpResponse user(OAuth2HttpRequest request, boolean emails) {
        String authorization = request.getHeaders().get("Authorization");
        JWTClaimsSet claims;
        try {
            HttpUrl issuer = request.getUrl().resolve("/" + ISSUER_ID);
            claims = server.getConfig().getTokenProvider().verify(issuer,
                    authorization == null ? "" : authorization.replaceFirst("^Bearer ", ""));
        } catch (Exception e) {
            return json(401, Map.of("message", "Bad credentials"));
        }
        if (!emails) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("login", claims.getClaim("login"));
            user.put("id", claims.getClaim("id"));
            user.put("email", claims.getClaim("email"));
            return json(200, user);
        }
        Object list = claims.getClaim("emails");
        return list == null ? json(404, Map.of("message", "Not Found")) : json(200, list);
    }

    private static OAuth2HttpResponse json(int status, Object body) {
        try {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), status,
                    JSON.writeValueAsString(body), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
