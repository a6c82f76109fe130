package dev.burrow.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from command-line choices rather than an XML file, so that {@code --log},
 * {@code --log-level} and {@code --log-format} are the whole story for someone running the binary.
 */
public final class LogSetup {

    /** Libraries that are chatty at INFO/DEBUG about things an operator of a tunnel rarely cares about. */
    private static final List<String> NOISY_LIBRARIES = List.of("io.netty", "org.flywaydb", "com.zaxxer");

    private LogSetup() {}

    /**
     * Replaces the current logging configuration.
     *
     * @param target "stdout", "stderr", or a file path that is appended to (parent directories are created)
     * @param level the least severe level to print
     * @param format how each line is rendered
     * @throws IllegalArgumentException if the log file cannot be opened
     */
    public static void configure(String target, org.slf4j.event.Level level, LogFormat format) {
        LoggerContext context = loggerContext();
        context.reset();

        Encoder<ILoggingEvent> encoder = format == LogFormat.JSON ? new JsonEncoder() : new LogfmtEncoder();
        encoder.setContext(context);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender = appender(target);
        appender.setContext(context);
        appender.setName("main");
        appender.setEncoder(encoder);
        appender.start();
        // Logback only records a failed start in its status list; without this check logging would go nowhere.
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot open log file " + target);
        }

        Level rootLevel = Level.convertAnSLF4JLevel(level);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(appender);

        // Never louder than WARN, but never louder than what was asked for either (e.g. --log-level error).
        Level libraryLevel = rootLevel.isGreaterOrEqual(Level.WARN) ? rootLevel : Level.WARN;
        for (String library : NOISY_LIBRARIES) {
            context.getLogger(library).setLevel(libraryLevel);
        }
    }

    /** Drops every log line: for when a full-screen console holds the terminal the logs would go to. */
    public static void silence() {
        LoggerContext context = loggerContext();
        context.reset();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
    }

    private static OutputStreamAppender<ILoggingEvent> appender(String target) {
        if (target.equals("stdout") || target.equals("stderr")) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget(target.equals("stdout") ? "System.out" : "System.err");
            return console;
        }
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(target);
        file.setAppend(true);
        return file;
    }

    private static LoggerContext loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
    }
}
