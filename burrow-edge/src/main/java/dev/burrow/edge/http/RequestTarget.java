package dev.burrow.edge.http;

import dev.burrow.edge.Hostnames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The request target of a public HTTP/1.1 request (RFC 9112, section 3.2), checked against its method and brought
 * to the form the edge relays: origin form ({@code /path?query}), or {@code *} for OPTIONS.
 *
 * <p>An absolute-form target ({@code http://host/path}) must name the same authority as the Host header, and is then
 * relayed in origin form. The Host routes the request and is what the upstream sees; a target naming another host
 * would have the request routed by one name and sent on with the other, so it is refused rather than chosen between
 * (a client must send a Host identical to the target's authority, RFC 9112 section 3.2). CONNECT is not implemented:
 * the edge is no forward proxy. A target with a byte outside visible US-ASCII (a control, a space, a non-ASCII byte)
 * is not a URI (RFC 9112 section 3).
 */
final class RequestTarget {
    private static final String ASTERISK = "*";

    private RequestTarget() {
    }

    /**
     * Checks the target of a request that has exactly one Host, and rewrites an absolute-form target into origin form.
     *
     * @return null if the target may be relayed (the request now holds it as the edge relays it), else why not
     */
    static PublicRequests.Rejection normalize(HttpRequest request) {
        if (HttpMethod.CONNECT.equals(request.method())) {
            return new PublicRequests.Rejection(HttpResponseStatus.NOT_IMPLEMENTED, "method_not_implemented",
                    "This edge relays requests to tunnels; it is not a proxy that opens connections (CONNECT).");
        }
        String target = request.uri();
        if (!isVisibleAscii(target)) {
            return badTarget("The request target holds a byte that is not allowed in a URI.");
        }
        if (target.startsWith("/")) {
            return null;
        }
        if (target.equals(ASTERISK)) {
            return HttpMethod.OPTIONS.equals(request.method()) ? null
                    : badTarget("Only OPTIONS may have the target *.");
        }
        int schemeEnd = target.indexOf("://");
        if (schemeEnd < 0) {
            return badTarget("The request target is neither a path nor an absolute http or https URI.");
        }
        String scheme = target.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return badTarget("The request target's scheme is not http or https.");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0 || Hostnames.fromHostHeader(authority) == null) {
            return badTarget("The request target's authority is not a valid host[:port] without user information.");
        }
        if (!authority.equalsIgnoreCase(request.headers().get(HttpHeaderNames.HOST))) {
            return badTarget("The request target names another host than the Host header.");
        }
        request.setUri(originForm(request.method(), target.substring(authorityEnd)));
        return null;
    }

    /** The origin form of an absolute target's path and query (RFC 9112, sections 3.2.1 and 3.2.4). */
    private static String originForm(HttpMethod method, String pathAndQuery) {
        int fragment = pathAndQuery.indexOf('#');
        String rest = fragment < 0 ? pathAndQuery : pathAndQuery.substring(0, fragment);
        if (rest.isEmpty() && HttpMethod.OPTIONS.equals(method)) {
            return ASTERISK;
        }
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /** True when every char is a visible US-ASCII character; the decoder gives each byte of the line as one char. */
    static boolean isVisibleAscii(CharSequence target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static PublicRequests.Rejection badTarget(String reason) {
        return new PublicRequests.Rejection(HttpResponseStatus.BAD_REQUEST, "bad_target", reason);
    }
}
