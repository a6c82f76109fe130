package dev.burrow.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher shortForm = SHORT.matcher(value);
        Duration duration;
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            duration = switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
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
}
