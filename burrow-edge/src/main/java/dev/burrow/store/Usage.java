package dev.burrow.store;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * What an account used in a calendar month (UTC): public requests and TCP/TLS connections, and bytes from and to
 * visitors.
 *
 * @param period {@code YYYY-MM}
 */
public record Usage(String account, String period, long requests, long bytesIn, long bytesOut) {
    public Usage {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
    }

    /** The month {@code instant} falls in, as usage is kept by. */
    public static String periodOf(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC)).toString();
    }

    public long bytes() {
        return bytesIn + bytesOut;
    }

    /** This and {@code more}, of the same account and month, added up. */
    public Usage plus(Usage more) {
        return new Usage(account, period, requests + more.requests, bytesIn + more.bytesIn, bytesOut + more.bytesOut);
    }
}
