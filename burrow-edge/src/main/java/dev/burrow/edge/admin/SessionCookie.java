package dev.burrow.edge.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

/**
 * The dashboard's session cookie, {@value #NAME}: {@code HttpOnly}, so no script reads it; {@code SameSite=Strict},
 * so a browser sends it with no request another site starts; {@code Path=/}; and no {@code Max-Age}, so the browser
 * drops it when it closes, while the edge ends the session on its own terms ({@link OperatorSessions}). It is
 * {@code Secure} only when the browser logged in over HTTPS, through a proxy that terminates TLS: the admin listener
 * itself speaks plain HTTP (on the loopback, or through an SSH tunnel to it), and a browser would not send a
 * {@code Secure} cookie there.
 */
final class SessionCookie {
    static final String NAME = "burrow_admin_session";

    private SessionCookie() {
    }

    /** The cookie's value in {@code request}, or null. */
    static String read(HttpRequest request) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
                if (cookie.name().equals(NAME)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value that gives the browser {@code id}; {@code secure} if it came over HTTPS. */
    static String set(String id, boolean secure) {
        DefaultCookie cookie = cookie(id);
        cookie.setSecure(secure);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    /** The {@code Set-Cookie} value that has the browser forget the cookie. */
    static String cleared() {
        DefaultCookie cookie = cookie("");
        cookie.setMaxAge(0);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private static DefaultCookie cookie(String value) {
        DefaultCookie cookie = new DefaultCookie(NAME, value);
        cookie.setHttpOnly(true);
        cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
        cookie.setPath("/");
        return cookie;
    }
}
