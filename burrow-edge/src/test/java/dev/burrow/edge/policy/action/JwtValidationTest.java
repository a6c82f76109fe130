package dev.burrow.edge.policy.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jwt-validation against a real JWKS endpoint on loopback (the JDK's HTTP server) and tokens signed with real keys:
 * what it lets in, what it refuses with 401, and how it fetches keys (once, again on an unknown key id).
 */
class JwtValidationTest {
    private static final String ISSUER = "https://issuer.example.test";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 1000);
    private static final HttpTunnel TUNNEL = new HttpTunnel("t", "api.example.test", "http://api.example.test", false,
            false, null, new PolicySlot(TrafficPolicy.NONE));

    private HttpServer jwks;
    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private RSAKey key;
    private TrafficPolicy policy;

    @BeforeEach
    void setUp() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(key.toPublicJWK()).toString());
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        policy = TrafficPolicy.compile(policyText("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"));
    }

    @AfterEach
    void tearDown() {
        jwks.stop(0);
    }

    private static String policyText(String jku) {
        return """
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "%s"}]}
                          audience: {allow_list: [{value: "api"}]}
                          jws:
                            allowed_algorithms: [RS256]
                            keys: {sources: {additional_jkus: ["%s"]}}
                """.formatted(ISSUER, jku);
    }

    private String token(RSAKey signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("api").subject("ann")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000));
    }

    private FullHttpResponse send(String authorization) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/orders");
        if (authorization != null) {
            request.headers().set("Authorization", authorization);
        }
        return TestPolicies.decideAtOnce(policy, request, TUNNEL, CLIENT);
    }

    private void assertRefused(String authorization, String challenge) {
        FullHttpResponse answer = send(authorization);
        try {
            assertThat(answer).isNotNull();
            assertThat(answer.status().code()).isEqualTo(401);
            assertThat(answer.headers().get("WWW-Authenticate")).isEqualTo(challenge);
        } finally {
            answer.release();
        }
    }

    @Test
    void aValidTokenIsLetInAndTheKeysAreFetchedOnce() throws Exception {
        String token = token(key, claims().build());

        assertThat(send("Bearer " + token)).isNull();
        assertThat(send("bearer " + token)).isNull();
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aMissingMalformedOrOversizedTokenIsRefused() {
        assertRefused(null, "Bearer");
        assertRefused("Basic YTpi", "Bearer");
        assertRefused("Bearer not.a.jwt", "Bearer error=\"invalid_token\"");
        assertRefused("Bearer " + "a".repeat(JwtValidation.MAX_TOKEN + 1), "Bearer error=\"invalid_token\"");
        assertThat(fetches).as("nothing to check a key for").hasValue(0);
    }

    @Test
    void expiredNotYetValidWrongIssuerOrAudienceAreRefused() throws Exception {
        long now = System.currentTimeMillis();
        for (JWTClaimsSet bad : new JWTClaimsSet[] {
            claims().expirationTime(new Date(now - 120_000)).build(),
            claims().expirationTime(null).build(),
            claims().notBeforeTime(new Date(now + 120_000)).build(),
            claims().issuer("https://other.example.test").build(),
            claims().audience("other").build()}) {
            assertRefused("Bearer " + token(key, bad), "Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void unsignedAndHmacTokensAreNeverValid() throws Exception {
        String none = new PlainJWT(claims().build()).serialize();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
        // The classic confusion: the issuer's public key, which anyone can read, used as an HMAC secret.
        hmac.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();

        assertRefused("Bearer " + none, "Bearer error=\"invalid_token\"");
        assertRefused("Bearer " + hmac.serialize(), "Bearer error=\"invalid_token\"");
        assertRefused("Bearer " + token(stranger, claims().build()), "Bearer error=\"invalid_token\"");
    }

    @Test
    void aKeyRotatedAtTheIssuerIsFetchedWhenATokenNamesItOnceTheGapIsOver() throws Exception {
        AtomicInteger seconds = new AtomicInteger();
        JwksKeys keys = new JwksKeys(java.net.URI.create("http://127.0.0.1:" + jwks.getAddress().getPort()
                + "/jwks.json"), () -> seconds.get() * 1_000_000_000L);
        keys.fetch().toCompletableFuture().join();
        RSAKey next = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(next.toPublicJWK()).toString());

        seconds.set((int) JwksKeys.REFETCH_GAP.toSeconds());
        assertThat(keys.current("k2")).as("an unknown id asks the issuer again").isNull();
        JWKSet fetched = keys.fetch().toCompletableFuture().join();

        assertThat(fetched.getKeyByKeyId("k2")).isNotNull();
        assertThat(keys.current("k2")).isSameAs(fetched);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void keysThatCannotBeFetchedFailThePhaseRatherThanLetTheRequestIn() throws Exception {
        jwks.stop(0);

        assertThatThrownBy(() -> send("Bearer " + token(key, claims().build())))
                .isInstanceOf(CompletionException.class);
    }

    @Test
    void onlyAsymmetricAlgorithmsMayBeAllowed() {
        for (String algorithm : new String[] {"none", "HS256"}) {
            assertThatThrownBy(() -> TrafficPolicy.compile(policyText("https://issuer.example.test/jwks.json")
                    .replace("[RS256]", "[" + algorithm + "]")))
                    .isInstanceOf(PolicyException.class).hasMessageContaining("is not allowed");
        }
        assertThatThrownBy(() -> TrafficPolicy.compile(policyText("file:///etc/passwd")))
                .hasMessageContaining("not an http or https URL");
    }

    @Test
    void theCacheRefetchesAFloodOfUnknownKeyIdsOnlyOncePerGap() throws IOException {
        AtomicInteger clock = new AtomicInteger();
        JwksKeys keys = new JwksKeys(java.net.URI.create("http://127.0.0.1:" + jwks.getAddress().getPort()
                + "/jwks.json"), () -> clock.get() * 1_000_000_000L);

        keys.fetch().toCompletableFuture().join();
        for (int i = 0; i < 50; i++) {
            assertThat(keys.current("made-up-" + i)).as("inside the gap the keys stand").isNotNull();
        }
        clock.set((int) JwksKeys.REFETCH_GAP.toSeconds());
        assertThat(keys.current("made-up")).as("after the gap an unknown id asks again").isNull();
        assertThat(fetches).hasValue(1);
    }
}
