package dev.burrow.edge.policy.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * One OpenID provider as a sign-in ({@code oidc}, {@code oauth} with google or gitlab) speaks to it, never blocking
 * an event loop ({@link IssuerHttp}): its endpoints from discovery ({@code /.well-known/openid-configuration}, kept
 * once fetched, asked again after a failure at most every {@link JwksKeys#REFETCH_GAP}), the exchange of an
 * authorization code (with the PKCE verifier and the client's secret), and the check of the ID token that comes
 * back, whose {@code sub} and verified {@code email} are the visitor's identity.
 */
final class OidcProvider implements IdentityProvider {
    /** Endpoints the flow needs, as discovery gave them. */
    record Endpoints(String issuer, URI authorization, URI token, JwksKeys keys) {
    }

    private static final Set<JWSAlgorithm> ID_TOKEN_ALGORITHMS = JwtSignatures.ASYMMETRIC;

    private final URI issuer;
    private final String clientId;
    private final String clientSecret;
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private CompletableFuture<Endpoints> discovered;
    private long failedAt;

    OidcProvider(URI issuer, String clientId, String clientSecret, LongSupplier nanos, LongSupplier millis) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.nanos = nanos;
        this.millis = millis;
    }

    @Override
    public CompletionStage<String> authorizationUrl(Map<String, String> parameters, String nonce) {
        Map<String, String> query = new LinkedHashMap<>(parameters);
        query.put("nonce", nonce);
        return endpoints().thenApply(endpoints -> {
            String authorization = endpoints.authorization().toString();
            return authorization + (authorization.contains("?") ? "&" : "?") + IssuerHttp.form(query);
        });
    }

    @Override
    public CompletionStage<Identity> identity(String code, String verifier, String redirectUri, String nonce) {
        return exchange(code, verifier, redirectUri, nonce)
                .thenApply(claims -> new Identity(claims.getSubject(), null, email(claims)));
    }

    /** The verified email, if the provider gave one and does not say it is unverified. */
    private static List<String> email(JWTClaimsSet claims) {
        Object email = claims.getClaim("email");
        Object verified = claims.getClaim("email_verified");
        return email instanceof String address && !Boolean.FALSE.equals(verified) ? List.of(address) : List.of();
    }

    private synchronized CompletionStage<Endpoints> endpoints() {
        if (discovered != null && (!discovered.isCompletedExceptionally()
                || nanos.getAsLong() - failedAt < JwksKeys.REFETCH_GAP.toNanos())) {
            return discovered;
        }
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        CompletableFuture<Endpoints> fetching = get(URI.create(base + ".well-known/openid-configuration"))
                .thenApply(this::endpointsOf);
        fetching.whenComplete((done, failure) -> {
            if (failure != null) {
                failed();
            }
        });
        discovered = fetching;
        return fetching;
    }

    private synchronized void failed() {
        failedAt = nanos.getAsLong();
    }

    /**
     * Trades an authorization code for tokens and checks the ID token: signed by the provider's keys, issued by it,
     * for this client, unexpired, carrying {@code nonce}.
     *
     * @return the ID token's claims; a stage failed with {@link IllegalStateException} saying why otherwise
     */
    private CompletionStage<JWTClaimsSet> exchange(String code, String verifier, String redirectUri, String nonce) {
        return endpoints().thenCompose(endpoints -> {
            String form = IssuerHttp.form(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
                    redirectUri, "code_verifier", verifier));
            String credentials = Base64.getEncoder().encodeToString((IssuerHttp.encode(clientId) + ":"
                    + IssuerHttp.encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(endpoints.token()).timeout(IssuerHttp.SIGN_IN_TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("Authorization", "Basic " + credentials)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            return IssuerHttp.CLIENT.sendAsync(request, IssuerHttp.BOUNDED)
                    .thenApply(response -> idToken(response, endpoints))
                    .thenCompose(idToken -> checked(idToken, endpoints, nonce));
        });
    }

    private CompletionStage<JWTClaimsSet> checked(SignedJWT idToken, Endpoints endpoints, String nonce) {
        String keyId = idToken.getHeader().getKeyID();
        JWKSet keys = endpoints.keys().current(keyId);
        CompletionStage<JWKSet> ready = keys != null ? CompletableFuture.completedFuture(keys)
                : endpoints.keys().fetch();
        return ready.thenApply(set -> {
            if (!JwtSignatures.verified(idToken, List.of(set), ID_TOKEN_ALGORITHMS)) {
                throw new IllegalStateException("the ID token's signature does not verify");
            }
            JWTClaimsSet claims;
            try {
                claims = idToken.getJWTClaimsSet();
            } catch (ParseException e) {
                throw new IllegalStateException("the ID token's claims are not JSON", e);
            }
            long now = millis.getAsLong();
            if (!endpoints.issuer().equals(claims.getIssuer())) {
                throw new IllegalStateException("the ID token is from '" + claims.getIssuer() + "'");
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(clientId)) {
                throw new IllegalStateException("the ID token is not for this client");
            }
            if (claims.getExpirationTime() == null
                    || claims.getExpirationTime().getTime() + JwtValidation.SKEW.toMillis() < now) {
                throw new IllegalStateException("the ID token expired");
            }
            Object tokenNonce = claims.getClaim("nonce");
            if (!nonce.equals(tokenNonce)) {
                throw new IllegalStateException("the ID token's nonce is not this sign-in's");
            }
            return claims;
        });
    }

    private SignedJWT idToken(HttpResponse<String> response, Endpoints endpoints) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the token endpoint answered " + response.statusCode());
        }
        JsonNode body = IssuerHttp.json(response.body(), "the token endpoint's answer");
        JsonNode idToken = body.get("id_token");
        if (idToken == null || !idToken.isTextual() || idToken.asText().length() > JwtValidation.MAX_TOKEN) {
            throw new IllegalStateException("the token endpoint gave no usable ID token");
        }
        try {
            return SignedJWT.parse(idToken.asText());
        } catch (ParseException e) {
            throw new IllegalStateException("the ID token is not a signed JWT", e);
        }
    }

    private Endpoints endpointsOf(String body) {
        JsonNode document = IssuerHttp.json(body, "the discovery document");
        String issuerId = text(document, "issuer");
        if (!issuerId.equals(issuer.toString()) && !(issuerId + "/").equals(issuer.toString())
                && !issuerId.equals(issuer + "/")) {
            throw new IllegalStateException("the discovery document names issuer '" + issuerId + "', not " + issuer);
        }
        return new Endpoints(issuerId, URI.create(text(document, "authorization_endpoint")),
                URI.create(text(document, "token_endpoint")),
                new JwksKeys(URI.create(text(document, "jwks_uri")), nanos));
    }

    private static CompletableFuture<String> get(URI uri) {
        return IssuerHttp.CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(IssuerHttp.SIGN_IN_TIMEOUT)
                .header("Accept", "application/json").GET().build(), IssuerHttp.BOUNDED).thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(uri + " answered " + response.statusCode());
                    }
                    return response.body();
                });
    }

    private static String text(JsonNode document, String field) {
        JsonNode value = document.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("the discovery document has no " + field);
        }
        return value.asText();
    }
}
