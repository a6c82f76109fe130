package dev.burrow.edge.policy.action;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code jwt-validation}: a request must carry a JWT signed by one of the issuer's keys (a JWKS URL, fetched without
 * blocking and cached, see {@link JwksKeys}), with an allowed algorithm, from an allowed issuer, for an allowed
 * audience, not expired and already valid; otherwise 401 with a {@code WWW-Authenticate: Bearer} challenge. Only
 * asymmetric algorithms are accepted, so a token signed with the public key as an HMAC secret, or with
 * {@code alg: none}, is never valid. The config follows ngrok's: {@code issuer.allow_list[].value},
 * {@code audience.allow_list[].value}, {@code http.tokens[]} (where the token is), {@code jws.allowed_algorithms},
 * {@code jws.keys.sources.additional_jkus}.
 */
final class JwtValidation implements Action {
    /** A token this long is refused before it is parsed. */
    static final int MAX_TOKEN = 8 * 1024;
    /** Clocks of the issuer and the edge may disagree by this much. */
    static final Duration SKEW = Duration.ofSeconds(60);

    /** Where a token is looked for: a header (with a prefix such as {@code Bearer }) or a query parameter. */
    private record TokenPlace(boolean header, String name, String prefix) {
    }

    private final Set<String> issuers;
    private final Set<String> audiences;
    private final List<TokenPlace> places = new ArrayList<>();
    private final Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    private final List<JwksKeys> keySources = new ArrayList<>();
    private final LongSupplier millis;

    JwtValidation(ActionConfig config) throws PolicyException {
        this(config, System::nanoTime, System::currentTimeMillis);
    }

    JwtValidation(ActionConfig config, LongSupplier nanos, LongSupplier millis) throws PolicyException {
        config.only("issuer", "audience", "http", "jws");
        this.millis = millis;
        issuers = values(config.section("issuer"), "issuer");
        audiences = values(config.section("audience"), "audience");
        for (ActionConfig token : config.section("http").only("tokens").sections("tokens")) {
            token.only("type", "method", "name", "prefix");
            if (!"jwt".equals(token.string("type", "jwt"))) {
                throw config.problem("http.tokens[].type must be 'jwt'");
            }
            String method = token.string("method", "header");
            if (!method.equals("header") && !method.equals("query")) {
                throw config.problem("http.tokens[].method must be 'header' or 'query'");
            }
            places.add(new TokenPlace(method.equals("header"), token.string("name"), token.string("prefix", "")));
        }
        if (places.isEmpty()) {
            places.add(new TokenPlace(true, "Authorization", "Bearer "));
        }
        ActionConfig jws = config.section("jws").only("allowed_algorithms", "keys");
        for (String name : jws.strings("allowed_algorithms")) {
            JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
            if (!JwtSignatures.ASYMMETRIC.contains(algorithm)) {
                throw config.problem("algorithm '" + name + "' is not allowed: only RS, PS and ES algorithms, whose"
                        + " keys the issuer publishes (never 'none', never an HMAC)");
            }
            algorithms.add(algorithm);
        }
        if (algorithms.isEmpty()) {
            algorithms.add(JWSAlgorithm.RS256);
        }
        ActionConfig sources = jws.section("keys").only("sources").section("sources").only("additional_jkus");
        for (String url : sources.strings("additional_jkus")) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw config.problem("'" + url + "' is not a URL");
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw config.problem("'" + url + "' is not an http or https URL");
            }
            keySources.add(new JwksKeys(uri, nanos));
        }
        if (keySources.isEmpty()) {
            throw config.problem("config needs jws.keys.sources.additional_jkus, the issuer's JWKS URLs");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        String token = token(context);
        if (token == null) {
            refuse(context, "Bearer");
            return;
        }
        SignedJWT jwt;
        try {
            jwt = token.length() > MAX_TOKEN ? null : SignedJWT.parse(token);
        } catch (ParseException e) {
            jwt = null;
        }
        if (jwt == null || !algorithms.contains(jwt.getHeader().getAlgorithm())) {
            refuse(context, "Bearer error=\"invalid_token\"");
            return;
        }
        String keyId = jwt.getHeader().getKeyID();
        SignedJWT parsed = jwt;
        List<JWKSet> known = new ArrayList<>();
        for (JwksKeys source : keySources) {
            JWKSet keys = source.current(keyId);
            if (keys == null) {
                context.await(source.fetch(), (waited, fetched) -> check(waited, parsed, List.of(fetched)));
                return;
            }
            known.add(keys);
        }
        check(context, parsed, known);
    }

    private void check(PolicyContext context, SignedJWT jwt, List<JWKSet> keySets) {
        if (!JwtSignatures.verified(jwt, keySets, algorithms) || !claimsHold(jwt)) {
            refuse(context, "Bearer error=\"invalid_token\"");
        }
    }

    private boolean claimsHold(SignedJWT jwt) {
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return false;
        }
        long now = millis.getAsLong();
        Date expires = claims.getExpirationTime();
        Date notBefore = claims.getNotBeforeTime();
        if (expires == null || expires.getTime() + SKEW.toMillis() < now) {
            return false;
        }
        if (notBefore != null && notBefore.getTime() - SKEW.toMillis() > now) {
            return false;
        }
        if (!issuers.isEmpty() && !issuers.contains(claims.getIssuer())) {
            return false;
        }
        return audiences.isEmpty() || claims.getAudience() != null
                && claims.getAudience().stream().anyMatch(audiences::contains);
    }

    private String token(PolicyContext context) {
        for (TokenPlace place : places) {
            String value;
            if (place.header()) {
                value = context.request().headers().get(place.name());
            } else {
                List<String> found = new QueryStringDecoder(context.request().uri()).parameters().get(place.name());
                value = found == null || found.isEmpty() ? null : found.get(0);
            }
            if (value != null && value.regionMatches(true, 0, place.prefix(), 0, place.prefix().length())) {
                return value.substring(place.prefix().length()).strip();
            }
        }
        return null;
    }

    private static void refuse(PolicyContext context, String challenge) {
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.UNAUTHORIZED,
                "policy_invalid_token", "Unauthorized", "This tunnel needs a valid token.");
        page.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        context.answer(page);
    }

    private static Set<String> values(ActionConfig section, String what) throws PolicyException {
        section.only("allow_list");
        Set<String> values = new LinkedHashSet<>();
        for (ActionConfig entry : section.sections("allow_list")) {
            values.add(entry.only("value").string("value"));
        }
        return values;
    }
}
