package dev.burrow.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Renders each event as one logfmt line: {@code t=... lvl=info logger=Edge msg="tunnel started" name=calm-otter-42}.
 * Key-value pairs from SLF4J's fluent API follow the message; a stack trace is escaped into a single
 * {@code stack} value so that one event is always exactly one line.
 */
public final class LogfmtEncoder extends EncoderBase<ILoggingEvent> {

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return format(event).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    static String format(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        Logfmt.appendPair(line, "t", EventFields.time(event));
        Logfmt.appendPair(line, "lvl", EventFields.level(event));
        Logfmt.appendPair(line, "logger", EventFields.logger(event));
        Logfmt.appendPair(line, "msg", String.valueOf(event.getFormattedMessage()));
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                Logfmt.appendPair(line, pair.key, String.valueOf(pair.value));
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            Logfmt.appendPair(line, "err", EventFields.error(thrown));
            Logfmt.appendPair(line, "stack", EventFields.stack(thrown));
        }
        return line.append('\n').toString();
    }
}
