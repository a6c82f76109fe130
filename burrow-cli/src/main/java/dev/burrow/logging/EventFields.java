package dev.burrow.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The field values both encoders print, so the two formats never disagree about what a field means. */
final class EventFields {

    // Fixed millisecond width (Instant.toString drops trailing zeros) keeps lines aligned and sortable.
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private EventFields() {}

    static String time(ILoggingEvent event) {
        return TIME.format(event.getInstant());
    }

    static String level(ILoggingEvent event) {
        return event.getLevel().toString().toLowerCase(Locale.ROOT);
    }

    /** Package names are noise on a terminal; the class name alone is enough to find the source. */
    static String logger(ILoggingEvent event) {
        String name = event.getLoggerName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The exception's message, or its class name when it has none (a bare NullPointerException, say). */
    static String error(IThrowableProxy thrown) {
        String message = thrown.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        String className = thrown.getClassName();
        return className.substring(className.lastIndexOf('.') + 1);
    }

    static String stack(IThrowableProxy thrown) {
        return ThrowableProxyUtil.asString(thrown);
    }
}
