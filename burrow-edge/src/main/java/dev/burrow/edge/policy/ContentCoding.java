package dev.burrow.edge.policy;

/**
 * A content coding the edge can put on a response body itself ({@code compress-response}): its name in
 * {@code Accept-Encoding} and {@code Content-Encoding} (RFC 9110 section 8.4.1).
 */
public enum ContentCoding {
    /** The gzip file format (RFC 1952). */
    GZIP("gzip"),
    /** The zlib format (RFC 1950), which HTTP calls deflate. */
    DEFLATE("deflate");

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** The coding's name in HTTP fields, lower case. */
    public String token() {
        return token;
    }

    /** The coding named {@code token} (any case), or null for one the edge cannot apply. */
    public static ContentCoding of(String token) {
        for (ContentCoding coding : values()) {
            if (coding.token.equalsIgnoreCase(token)) {
                return coding;
            }
        }
        return null;
    }
}
