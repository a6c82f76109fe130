package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.CLIENT;
import static dev.burrow.edge.policy.action.ActionFixtures.TUNNEL;
import static dev.burrow.edge.policy.action.ActionFixtures.config;
import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * verify-webhook over requests made in memory, signed here as each provider documents its signature, its clock the
 * test's: what verifies, what a changed byte, a stale timestamp or a replay gets.
 */
class VerifyWebhookTest {
    private static final String SECRET = "whsec_test";
    private static final String BODY = "{\"action\":\"opened\",\"number\":7}";
    /** 2026-12-07T00:00:00Z, in seconds. */
    private static final long NOW = 1_796_601_600L;
    private final AtomicLong millis = new AtomicLong(NOW * 1000);

    private TrafficPolicy verifying(String yaml) throws PolicyException {
        return TestPolicies.onRequest(new VerifyWebhook(config("verify-webhook", yaml), millis::get));
    }

    private static HttpRequest post(String path, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
        request.headers().set("Host", "app.example.test");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** The status the request got with {@code body}, 0 when it was let through. */
    private static int status(TrafficPolicy policy, HttpRequest request, String body) {
        FullHttpResponse answer = policy.decide(request, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8),
                TUNNEL, CLIENT, Runnable::run, TestPolicies.UNOBSERVED).toCompletableFuture().join();
        if (answer == null) {
            return 0;
        }
        assertThat(answer.headers().get(Protocol.AGENT_ERROR)).isEqualTo("policy_webhook_unverified");
        answer.release();
        return answer.status().code();
    }

    static byte[] hmac(String algorithm, String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void refusalsNameTheLine() {
        String head = "on_http_request:\n  - actions:\n      - type: verify-webhook\n        config:\n";
        assertThat(problem(head + "          provider: gitea\n          secret: s\n"))
                .startsWith("line 3: action 'verify-webhook'").contains("github, stripe, slack");
        assertThat(problem(head + "          provider: github\n          secret: \"\"\n")).contains("'secret' is empty");
        assertThat(problem(head + "          provider: github\n")).contains("config needs 'secret'");
        assertThat(problem(head + "          provider: generic\n          secret: s\n")).contains("config needs 'header'");
        assertThat(problem(head + "          provider: github\n          secret: s\n          header: X-Sig\n"))
                .contains("for the generic provider only");
        assertThat(problem(head + "          provider: generic\n          secret: s\n          header: X-Sig\n"
                + "          algorithm: md5\n")).contains("'algorithm' must be sha1, sha256 or sha512");
    }

    @Test
    void gitHubsSignatureOverTheBodyLetsInAndAnyChangedByteDoesNot() throws Exception {
        TrafficPolicy policy = verifying("{provider: github, secret: " + SECRET + "}");
        String signature = "sha256=" + hex(hmac("HmacSHA256", SECRET, BODY));

        assertThat(status(policy, post("/hook", "X-Hub-Signature-256", signature), BODY)).isZero();
        assertThat(status(policy, post("/hook", "X-Hub-Signature-256", signature), BODY)).as("GitHub redelivers")
                .isZero();
        assertThat(status(policy, post("/hook", "X-Hub-Signature-256", signature), BODY.replace('7', '8')))
                .isEqualTo(403);
        assertThat(status(policy, post("/hook"), BODY)).isEqualTo(403);
        assertThat(status(policy, post("/hook", "X-Hub-Signature-256", "sha256=zz"), BODY)).isEqualTo(403);
        assertThat(status(policy, post("/hook", "X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", "other",
                BODY))), BODY)).isEqualTo(403);
    }

    @Test
    void stripeSignsTheTimestampWhichMustBeFreshAndASignatureCountsOnce() throws Exception {
        TrafficPolicy policy = verifying("{provider: stripe, secret: " + SECRET + "}");
        long sent = NOW - 60;
        String signed = hex(hmac("HmacSHA256", SECRET, sent + "." + BODY));
        String header = "t=" + sent + ",v1=" + hex(new byte[32]) + ",v1=" + signed + ",v0=ignored";

        assertThat(status(policy, post("/hook", "Stripe-Signature", header), BODY)).as("any v1 may match").isZero();
        assertThat(status(policy, post("/hook", "Stripe-Signature", header), BODY)).as("a replay").isEqualTo(403);

        long stale = NOW - VerifyWebhook.TOLERANCE.toSeconds() - 1;
        String old = "t=" + stale + ",v1=" + hex(hmac("HmacSHA256", SECRET, stale + "." + BODY));
        assertThat(status(policy, post("/hook", "Stripe-Signature", old), BODY)).isEqualTo(403);

        long edge = NOW - VerifyWebhook.TOLERANCE.toSeconds();
        String justInTime = "t=" + edge + ",v1=" + hex(hmac("HmacSHA256", SECRET, edge + "." + BODY));
        assertThat(status(policy, post("/hook", "Stripe-Signature", justInTime), BODY)).isZero();
        String forged = "t=" + NOW + ",v1=" + signed;
        assertThat(status(policy, post("/hook", "Stripe-Signature", forged), BODY)).as("the time is signed")
                .isEqualTo(403);
    }

    @Test
    void aSignatureForgottenByTheReplayWindowIsOneWhoseTimestampHasExpired() throws Exception {
        TrafficPolicy policy = verifying("{provider: slack, secret: " + SECRET + "}");
        String signature = "v0=" + hex(hmac("HmacSHA256", SECRET, "v0:" + NOW + ":" + BODY));
        HttpRequest request = post("/hook", "X-Slack-Request-Timestamp", Long.toString(NOW),
                "X-Slack-Signature", signature);

        assertThat(status(policy, request, BODY)).isZero();
        millis.addAndGet(VerifyWebhook.TOLERANCE.toMillis());
        assertThat(status(policy, request, BODY)).as("still in the window: a replay").isEqualTo(403);
        millis.addAndGet(1000);
        assertThat(status(policy, request, BODY)).as("past it: stale").isEqualTo(403);
        assertThat(status(policy, post("/hook", "X-Slack-Request-Timestamp", "soon", "X-Slack-Signature", signature),
                BODY)).isEqualTo(403);
    }

    @Test
    void shopifyAndTwilioSignInBase64AndTwilioOverTheUrlAndSortedForm() throws Exception {
        TrafficPolicy shopify = verifying("{provider: shopify, secret: " + SECRET + "}");
        String base64 = Base64.getEncoder().encodeToString(hmac("HmacSHA256", SECRET, BODY));
        assertThat(status(shopify, post("/hook", "X-Shopify-Hmac-Sha256", base64), BODY)).isZero();
        assertThat(status(shopify, post("/hook", "X-Shopify-Hmac-Sha256", base64), BODY + " ")).isEqualTo(403);

        TrafficPolicy twilio = verifying("{provider: twilio, secret: " + SECRET + "}");
        String form = "To=%2B15550001111&From=%2B15552223333&Body=hi+there";
        String payload = TUNNEL.url() + "/sms?x=1" + "Bodyhi there" + "From+15552223333" + "To+15550001111";
        String signature = Base64.getEncoder().encodeToString(hmac("HmacSHA1", SECRET, payload));
        HttpRequest request = post("/sms?x=1", "X-Twilio-Signature", signature,
                "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        assertThat(status(twilio, request, form)).isZero();
        assertThat(status(twilio, post("/sms?x=2", "X-Twilio-Signature", signature,
                "Content-Type", "application/x-www-form-urlencoded"), form)).as("another URL").isEqualTo(403);
    }

    @Test
    void aGenericHmacNamesItsHeaderAlgorithmEncodingAndPrefix() throws Exception {
        TrafficPolicy policy = verifying("{provider: generic, secret: " + SECRET + ", header: X-Signature,"
                + " algorithm: sha512, encoding: base64, prefix: \"sha512=\"}");
        String signature = "sha512=" + Base64.getEncoder().encodeToString(hmac("HmacSHA512", SECRET, BODY));

        assertThat(status(policy, post("/hook", "X-Signature", signature), BODY)).isZero();
        assertThat(status(policy, post("/hook", "X-Signature", signature.substring(7)), BODY)).isEqualTo(403);
        assertThat(status(policy, post("/hook", "X-Signature", "sha512=" + hex(hmac("HmacSHA512", SECRET, BODY))),
                BODY)).as("hex where base64 is named").isEqualTo(403);
    }
}
