package dev.burrow.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/** A private Logback context writing through a real appender into memory, so tests never touch global logging. */
final class CapturedLog {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    CapturedLog(Encoder<ILoggingEvent> encoder) {
        // Normally supplied by SLF4J's binding; a bare context fails every append without one.
        context.setMDCAdapter(new LogbackMDCAdapter());
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    Logger logger(String name) {
        return context.getLogger(name);
    }

    ch.qos.logback.classic.Logger logbackLogger(String name) {
        return context.getLogger(name);
    }

    String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
