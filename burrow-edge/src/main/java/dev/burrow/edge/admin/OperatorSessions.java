package dev.burrow.edge.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The dashboard's logged-in operators, in memory only (a restart logs everyone out). A session is a random 256-bit
 * id, which the browser keeps as its cookie, and a CSRF token of the same size, which the page holds. It ends
 * {@link #IDLE} after its last request, {@link #LIFETIME} after it began, or at logout. At most {@link #MAX} are
 * kept: a login beyond that ends the one used least recently, so logins cannot grow memory.
 *
 * <p>Sessions are keyed by the SHA-256 of their id, so a look-up's timing tells nothing of the ids kept, and named
 * in the audit log by that hash's first digits, never by any part of the cookie.
 *
 * <p>Thread-safe; the clock ({@link System#nanoTime} in production) is injected so that tests of the timeouts do
 * not wait.
 */
final class OperatorSessions {
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration LIFETIME = Duration.ofHours(12);
    static final int MAX = 64;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;

    /** A live session: who it is in the audit log, and the CSRF token its changes must carry. */
    static final class Session {
        private final String key;
        private final String csrf;
        private final long startedAt;
        private long lastUsedAt;

        private Session(String key, String csrf, long startedAt) {
            this.key = key;
            this.csrf = csrf;
            this.startedAt = startedAt;
            this.lastUsedAt = startedAt;
        }

        /** The session as the audit log names it, {@code admin-session:} and 8 hex digits. */
        String actor() {
            return "admin-session:" + key.substring(0, 8);
        }

        String csrf() {
            return csrf;
        }

        /** True if {@code presented} is this session's CSRF token; in time that does not depend on how much is. */
        boolean csrfMatches(String presented) {
            return presented != null
                    && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A session just begun, with the id to give the browser as its cookie. */
    record Opened(String id, Session session) {
    }

    /** In order of use, least recent first, so the one to end when full is the first. */
    private final Map<String, Session> byKey = new LinkedHashMap<>(16, 0.75f, true);
    private final LongSupplier clock;

    OperatorSessions(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized Opened open() {
        long now = clock.getAsLong();
        byKey.values().removeIf(session -> expired(session, now));
        if (byKey.size() >= MAX) {
            Iterator<Session> leastRecent = byKey.values().iterator();
            leastRecent.next();
            leastRecent.remove();
        }
        String id = HexFormat.of().formatHex(random());
        Session session = new Session(key(id), Base64.getUrlEncoder().withoutPadding().encodeToString(random()), now);
        byKey.put(session.key, session);
        return new Opened(id, session);
    }

    /** The live session whose cookie is {@code id}, now used; null if there is none or it has ended. */
    synchronized Session find(String id) {
        if (id == null) {
            return null;
        }
        String key = key(id);
        Session session = byKey.get(key);
        if (session == null) {
            return null;
        }
        long now = clock.getAsLong();
        if (expired(session, now)) {
            byKey.remove(key);
            return null;
        }
        session.lastUsedAt = now;
        return session;
    }

    synchronized void end(Session session) {
        byKey.remove(session.key);
    }

    private static boolean expired(Session session, long now) {
        return now - session.lastUsedAt >= IDLE.toNanos() || now - session.startedAt >= LIFETIME.toNanos();
    }

    private static byte[] random() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String key(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
