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
 * {@code --log-level} and {@code --log-format} are the whole story for someone running the binary; unless they name
 * a Logback configuration of their own ({@code -Dlogback.configurationFile}), which is then left as it is.
 */
public final class LogSetup {
    /** The system property by which Logback is given a configuration file. */
    public static final String USER_CONFIGURATION = "logback.configurationFile";

    /** Libraries that are chatty at INFO/DEBUG about things an operator of a tunnel rarely cares about. */
    private static final List<String> NOISY_LIBRARIES = List.of("io.netty", "org.flywaydb", "com.zaxxer");

    private LogSetup() {}

    /** Whether the user gave Logback a configuration file of their own, which the options then leave alone. */
    public static boolean userConfigured() {
        return System.getProperty(USER_CONFIGURATION) != null;
    }

    /**
     * Replaces the current logging configuration, unless {@link #userConfigured()}.
     *
     * @param target "stdout", "stderr", or a file path that is appended to (parent directories are created)
     * @param level the least severe level to print
     * @param format how each line is rendered
     * @throws IllegalArgumentException if the log file cannot be opened
     */
    public static void configure(String target, org.slf4j.event.Level level, LogFormat format) {
        if (userConfigured()) {
            return;
        }
        LoggerContext context = loggerContext();
        context.reset();

        OutputStreamAppender<ILoggingEvent> appender = started(context, "main", target, format);

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

    /**
     * Sends the logger named {@code access} to {@code target} ("stdout", "stderr", or a file appended to) in
     * {@code format}, apart from the main log and whatever its level; with a null target, turns it off.
     *
     * @throws IllegalArgumentException if the file cannot be opened
     */
    public static void access(String target, LogFormat format) {
        LoggerContext context = loggerContext();
        Logger access = context.getLogger("access");
        access.detachAndStopAllAppenders();
        access.setAdditive(false);
        if (target == null) {
            access.setLevel(Level.OFF);
            return;
        }
        access.setLevel(Level.INFO);
        access.addAppender(started(context, "access", target, format));
    }

    /**
     * Drops every log line: for when a full-screen console holds the terminal the logs would go to. A user's own
     * configuration is theirs to point away from the terminal, and stays.
     */
    public static void silence() {
        if (userConfigured()) {
            return;
        }
        LoggerContext context = loggerContext();
        context.reset();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
    }

    /** An appender named {@code name} writing to {@code target} in {@code format}, started. */
    private static OutputStreamAppender<ILoggingEvent> started(LoggerContext context, String name, String target,
                                                               LogFormat format) {
        Encoder<ILoggingEvent> encoder = format == LogFormat.JSON ? new JsonEncoder() : new LogfmtEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = appender(target);
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        // Logback only records a failed start in its status list; without this check logging would go nowhere.
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot open log file " + target);
        }
        return appender;
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
