package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code verify-webhook}: a request must carry the signature its sender computes over its body with the shared
 * {@code secret}, as each provider documents it (GitHub, Stripe, Slack, Shopify, Twilio, or a {@code generic} HMAC
 * whose header, algorithm, encoding and prefix the config names). Providers that sign a timestamp (Stripe, Slack)
 * are held to {@link #TOLERANCE} of the edge's clock, and a signature seen once within that window is refused again
 * (a replay; GitHub, Shopify and Twilio sign no time, and resend a delivery with the same signature, so a repeat is
 * theirs to judge). Anything else gets 403 ({@code burrow-error: policy_webhook_unverified}) and never reaches the
 * upstream. The edge reads the whole body first (at most {@code TrafficPolicy}'s bound) to check it.
 */
final class VerifyWebhook implements Action {
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** How one provider signs: which header, over what, with which MAC, written how. */
    enum Provider { GITHUB, STRIPE, SLACK, SHOPIFY, TWILIO, GENERIC }

    private final Provider provider;
    private final byte[] secret;
    private final String header;
    private final String algorithm;
    private final boolean base64;
    private final String prefix;
    private final LongSupplier millis;
    private final ReplayWindow seen;

    VerifyWebhook(ActionConfig config) throws PolicyException {
        this(config, System::currentTimeMillis);
    }

    VerifyWebhook(ActionConfig config, LongSupplier millis) throws PolicyException {
        config.only("provider", "secret", "header", "algorithm", "encoding", "prefix");
        String name = config.string("provider").toUpperCase(Locale.ROOT);
        try {
            provider = Provider.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw config.problem("'provider' must be github, stripe, slack, shopify, twilio or generic");
        }
        secret = config.string("secret").getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0) {
            throw config.problem("'secret' is empty");
        }
        if (provider == Provider.GENERIC) {
            header = config.string("header");
            algorithm = switch (config.string("algorithm", "sha256").toLowerCase(Locale.ROOT)) {
                case "sha1" -> "HmacSHA1";
                case "sha256" -> "HmacSHA256";
                case "sha512" -> "HmacSHA512";
                default -> throw config.problem("'algorithm' must be sha1, sha256 or sha512");
            };
            String encoding = config.string("encoding", "hex");
            if (!encoding.equals("hex") && !encoding.equals("base64")) {
                throw config.problem("'encoding' must be hex or base64");
            }
            base64 = encoding.equals("base64");
            prefix = config.string("prefix", "");
        } else if (config.has("header") || config.has("algorithm") || config.has("encoding") || config.has("prefix")) {
            throw config.problem("header, algorithm, encoding and prefix are for the generic provider only");
        } else {
            header = null;
            algorithm = provider == Provider.TWILIO ? "HmacSHA1" : "HmacSHA256";
            base64 = provider == Provider.SHOPIFY || provider == Provider.TWILIO;
            prefix = provider == Provider.GITHUB ? "sha256=" : provider == Provider.SLACK ? "v0=" : "";
        }
        this.millis = millis;
        this.seen = new ReplayWindow(TOLERANCE, millis);
    }

    @Override
    public boolean needsRequestBody() {
        return true;
    }

    @Override
    public void apply(PolicyContext context) {
        // The edge holds every body for a policy that reads them: none here means the request has none.
        ByteBuf body = context.requestBody();
        byte[] bytes = body == null ? new byte[0]
                : ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes(), false);
        String signature = verified(context, bytes);
        boolean timestamped = provider == Provider.STRIPE || provider == Provider.SLACK;
        if (signature == null || timestamped && !seen.firstTime(signature)) {
            FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.FORBIDDEN,
                    "policy_webhook_unverified", "Forbidden", "The webhook's signature does not verify.");
            context.answer(page);
        }
    }

    /** The signature the request carries if it verifies (and its timestamp is fresh); null otherwise. */
    private String verified(PolicyContext context, byte[] body) {
        HttpHeaders headers = context.request().headers();
        return switch (provider) {
            case GITHUB -> matching(headers.get("X-Hub-Signature-256"), body);
            case SHOPIFY -> matching(headers.get("X-Shopify-Hmac-Sha256"), body);
            case GENERIC -> matching(headers.get(header), body);
            case SLACK -> {
                String timestamp = headers.get("X-Slack-Request-Timestamp");
                yield fresh(timestamp) ? matching(headers.get("X-Slack-Signature"),
                        concat("v0:" + timestamp + ":", body)) : null;
            }
            case STRIPE -> stripe(headers.get("Stripe-Signature"), body);
            case TWILIO -> matching(headers.get("X-Twilio-Signature"), twilioPayload(context, body));
        };
    }

    /** Stripe: {@code t=TIMESTAMP,v1=HEX[,v1=HEX...]} over {@code TIMESTAMP.BODY}; any v1 may match. */
    private String stripe(String value, byte[] body) {
        if (value == null || value.length() > 2048) {
            return null;
        }
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : value.split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                String key = part.substring(0, equals).strip();
                if (key.equals("t")) {
                    timestamp = part.substring(equals + 1).strip();
                } else if (key.equals("v1")) {
                    signatures.add(part.substring(equals + 1).strip());
                }
            }
        }
        if (!fresh(timestamp)) {
            return null;
        }
        byte[] expected = mac(concat(timestamp + ".", body));
        String match = null;
        for (String signature : signatures) {
            if (equal(expected, signature)) {
                match = signature;
            }
        }
        return match;
    }

    /** Twilio: the URL it called, then each form parameter's name and value in name order. */
    private static byte[] twilioPayload(PolicyContext context, byte[] body) {
        StringBuilder text = new StringBuilder(context.tunnel().url()).append(context.request().uri());
        String type = context.request().headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = new TreeMap<>(new QueryStringDecoder(
                    new String(body, StandardCharsets.UTF_8), false).parameters());
            form.forEach((name, values) -> values.forEach(value -> text.append(name).append(value)));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The header's signature if it is the MAC of {@code payload}, compared in constant time; else null. */
    private String matching(String value, byte[] payload) {
        if (value == null || value.length() > 1024 || !value.startsWith(prefix)) {
            return null;
        }
        String signature = value.substring(prefix.length()).strip();
        return equal(mac(payload), signature) ? signature : null;
    }

    private boolean equal(byte[] expected, String signature) {
        byte[] presented;
        try {
            presented = base64 ? Base64.getDecoder().decode(signature) : HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, presented);
    }

    private boolean fresh(String timestamp) {
        if (timestamp == null || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        long at = Long.parseLong(timestamp) * 1000;
        return Math.abs(millis.getAsLong() - at) <= TOLERANCE.toMillis();
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /**
     * Signatures accepted within the tolerance, so the same signed request is not accepted twice: bounded, the
     * oldest forgotten first (a signature older than the window fails its timestamp anyway).
     */
    static final class ReplayWindow {
        static final int MAX = 10_000;
        private final long windowMillis;
        private final LongSupplier millis;
        private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

        ReplayWindow(Duration window, LongSupplier millis) {
            this.windowMillis = window.toMillis();
            this.millis = millis;
        }

        synchronized boolean firstTime(String signature) {
            long now = millis.getAsLong();
            var oldest = seen.entrySet().iterator();
            while (oldest.hasNext()) {
                var entry = oldest.next();
                if (now - entry.getValue() <= windowMillis && seen.size() < MAX) {
                    break;
                }
                oldest.remove();
            }
            return seen.putIfAbsent(signature, now) == null;
        }
    }
}
