package dev.burrow.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them, in the CLI's flags and a traffic policy's windows: {@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 1h}, {@code 30d} (days of 24 hours), or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher shortForm = SHORT.matcher(value);
        Duration duration;
        if (shortForm.matches()) {
            duration = shortForm(text, shortForm.group(1), shortForm.group(2));
        } else {
            try {
                duration = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (try 500ms, 30s, 5m or 1h)");
            }
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return duration;
    }

    /** {@code duration} the way {@link #parse} reads it, in its largest whole unit: {@code 24h}, {@code 90s}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static Duration shortForm(String text, String digits, String unit) {
        try {
            long amount = Long.parseLong(digits);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            // Digits past a long, or hours past Duration's range: a typo, not a duration anyone means.
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }
}
