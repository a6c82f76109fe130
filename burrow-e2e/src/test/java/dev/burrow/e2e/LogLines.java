package dev.burrow.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** What one logger (the access log, the audit log) writes from now until closed, kept in memory. */
final class LogLines implements AutoCloseable {
    private final Logger logger;
    /** The logger's own level before, put back at close: the test configuration may set one (dev.burrow's). */
    private final Level levelBefore;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogLines(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    /** The events so far, in order; lines are appended from the edge's threads, under the appender's lock. */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Each line's key-value pairs. */
    List<Map<String, String>> lines() {
        return events().stream().map(LogLines::fields).toList();
    }

    private static Map<String, String> fields(ILoggingEvent event) {
        Map<String, String> fields = new HashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) {
            fields.put(pair.key, String.valueOf(pair.value));
        }
        return fields;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }
}
