package dev.burrow.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL store is, as an operator writes it: {@code postgres://USER:PASSWORD@HOST:PORT/DB?OPTIONS}
 * (the form PostgreSQL's own tools and most hosts print), or a JDBC URL {@code jdbc:postgresql://...}.
 *
 * @param jdbcUrl the URL without credentials
 * @param user null when the URL names none
 * @param password null when the URL names none
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    /** @throws IllegalArgumentException with what is wrong and the forms accepted */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the database URL is empty");
        }
        if (text.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(text, null, null);
        }
        if (!text.startsWith("postgres://") && !text.startsWith("postgresql://")) {
            throw new IllegalArgumentException("not a PostgreSQL URL: use postgres://USER:PASSWORD@HOST:PORT/DB or"
                    + " jdbc:postgresql://HOST:PORT/DB (without one, the edge keeps SQLite in its data directory)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the database URL is malformed: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the database URL names no host");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "/" : uri.getRawPath();
        String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        return new DatabaseUrl("jdbc:postgresql://" + host + path + query, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // Keeps the password out of logs that print the whole object.
    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? null : "<redacted>")
                + "]";
    }
}
