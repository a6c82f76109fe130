package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code basic-auth}: a request without one of {@code credentials} ({@code user:password}) in its
 * {@code Authorization} header gets 401 with a {@code WWW-Authenticate} challenge for {@code realm}. The pairs are
 * kept as SHA-256 digests and every one is compared in constant time, so neither the answer nor its timing says
 * which part was wrong. A request let through loses its {@code Authorization} header: the password is the edge's,
 * not the upstream's business.
 */
final class BasicAuth implements Action {
    /** The longest Authorization value looked at: a pair of 512 bytes, base64-encoded, and the scheme. */
    private static final int MAX_AUTHORIZATION = 700;

    private final List<byte[]> digests = new ArrayList<>();
    private final String challenge;

    BasicAuth(ActionConfig config) throws PolicyException {
        config.only("credentials", "realm");
        for (String pair : config.strings("credentials")) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw config.problem("each credential must be 'user:password', both non-empty");
            }
            if (pair.length() > 512) {
                throw config.problem("a credential is at most 512 characters");
            }
            digests.add(digest(pair.getBytes(StandardCharsets.UTF_8)));
        }
        if (digests.isEmpty()) {
            throw config.problem("config needs 'credentials', a list of 'user:password'");
        }
        String realm = config.string("realm", "burrow");
        if (!realm.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"' && c != '\\')) {
            throw config.problem("'realm' must be printable ASCII without quotes or backslashes");
        }
        challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
    }

    @Override
    public void apply(PolicyContext context) {
        if (matches(context.request().headers().get(HttpHeaderNames.AUTHORIZATION))) {
            context.request().headers().remove(HttpHeaderNames.AUTHORIZATION);
            context.changed();
            return;
        }
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.UNAUTHORIZED,
                "policy_unauthorized", "Unauthorized", "This tunnel needs a user name and password.");
        page.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        context.answer(page);
    }

    private boolean matches(String authorization) {
        if (authorization == null || authorization.length() > MAX_AUTHORIZATION
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] presented;
        try {
            presented = digest(Base64.getDecoder().decode(authorization.substring(6).strip()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match;
    }

    private static byte[] digest(byte[] pair) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(pair);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
