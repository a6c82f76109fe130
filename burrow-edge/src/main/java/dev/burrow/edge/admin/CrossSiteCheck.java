package dev.burrow.edge.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What a change made with the dashboard's cookie must show, since a browser attaches a cookie to requests it did not
 * write itself: the session's CSRF token in {@value #CSRF_HEADER}, which only the page was given (another site can
 * neither read it nor, without a CORS preflight the listener never allows, send the header), and, when it names
 * one, an {@code Origin} that is the listener's own. The listener's own origin is the Host the browser addressed,
 * since it may be reached through an SSH tunnel on any local port, over {@code http}, or {@code https} through a
 * proxy that terminates TLS; a page that rebinds its own name to the listener gets that far, but holds no cookie
 * for it.
 */
final class CrossSiteCheck {
    static final String CSRF_HEADER = "X-Burrow-CSRF";

    private CrossSiteCheck() {
    }

    /** True if the browser sent {@code request} over HTTPS, as its Origin says: through a proxy that terminates TLS. */
    static boolean overTls(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && origin.regionMatches(true, 0, "https://", 0, "https://".length());
    }

    /** Null if {@code request}, made with {@code session}'s cookie, may go on; else why not, a 403. */
    static ApiError refusal(HttpRequest request, OperatorSessions.Session session) {
        if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
            return null;
        }
        ApiError foreign = foreignOrigin(request);
        if (foreign != null) {
            return foreign;
        }
        if (!session.csrfMatches(request.headers().get(CSRF_HEADER))) {
            return new ApiError(HttpResponseStatus.FORBIDDEN, "csrf_failed", "a change made with the dashboard's "
                    + "session cookie needs the session's CSRF token in " + CSRF_HEADER);
        }
        return null;
    }

    /** Null if {@code request} names no Origin or the listener's own; else a 403. */
    static ApiError foreignOrigin(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null || (host != null && (origin.equalsIgnoreCase("http://" + host.strip())
                || origin.equalsIgnoreCase("https://" + host.strip())))) {
            return null;
        }
        return new ApiError(HttpResponseStatus.FORBIDDEN, "origin_not_allowed", "Origin " + origin
                + " is not this listener's" + (host == null ? "" : " (http://" + host.strip() + ")"));
    }
}
