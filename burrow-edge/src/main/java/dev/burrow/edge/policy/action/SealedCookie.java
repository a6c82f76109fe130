package dev.burrow.edge.policy.action;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cookie whose value the visitor can neither read nor change: AES-256-GCM over its text with the expiry inside
 * (so a copied cookie dies on time whatever its Max-Age said), under a key derived from a secret only the edge and
 * the tunnel's owner know. HttpOnly, SameSite=Lax, Secure on HTTPS, scoped to the tunnel's host.
 */
final class SealedCookie {
    /** A sealed value this long is refused unopened. */
    static final int MAX_VALUE = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private final String name;
    private final SecretKeySpec key;

    /** @param secret what the key derives from; {@code purpose} separates keys of different cookies */
    SealedCookie(String name, byte[] secret, String purpose) {
        this.name = name;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            key = new SecretKeySpec(mac.doFinal(("burrow sealed cookie|" + purpose).getBytes(StandardCharsets.UTF_8)),
                    "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The Set-Cookie value carrying {@code text} until {@code expiresAtMillis}. */
    String seal(String text, long expiresAtMillis, boolean secure) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(ByteBuffer.allocate(8 + plain.length).putLong(expiresAtMillis).put(plain)
                    .array());
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
            return cookie(value, Math.max(0, (expiresAtMillis - System.currentTimeMillis()) / 1000), secure);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** The Set-Cookie value that removes the cookie. */
    String clear(boolean secure) {
        return cookie("", 0, secure);
    }

    /** The text sealed in the request's cookie, or null when it is missing, forged, altered or expired. */
    String open(HttpHeaders headers, long nowMillis) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null || header.length() > 16 * 1024) {
            return null;
        }
        Set<Cookie> cookies = ServerCookieDecoder.STRICT.decode(header);
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.name())) {
                return open(cookie.value(), nowMillis);
            }
        }
        return null;
    }

    private String open(String value, long nowMillis) {
        if (value.length() > MAX_VALUE) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length < NONCE + 16 + 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, NONCE));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            ByteBuffer plain = ByteBuffer.wrap(cipher.doFinal(raw, NONCE, raw.length - NONCE));
            if (plain.getLong() < nowMillis) {
                return null;
            }
            return StandardCharsets.UTF_8.decode(plain).toString();
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private String cookie(String value, long maxAgeSeconds, boolean secure) {
        DefaultCookie cookie = new DefaultCookie(name, value);
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setPath("/");
        cookie.setMaxAge(maxAgeSeconds);
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Lax);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }
}
