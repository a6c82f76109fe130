package dev.burrow.logging;

import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer whose every line becomes an {@code info} event of the logger {@code console}: what a command prints for
 * people ("Forwarding ..."), when its log lines go to the same stream as JSON and the stream must stay JSON only.
 */
public final class LogLineWriter extends Writer {
    private static final Logger console = LoggerFactory.getLogger("console");
    /** A line longer than this is logged in parts rather than held without bound. */
    private static final int MAX_LINE = 8192;

    private final StringBuilder line = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                emit();
            } else if (c != '\r') {
                line.append(c);
                if (line.length() >= MAX_LINE) {
                    emit();
                }
            }
        }
    }

    private void emit() {
        if (!line.isEmpty()) {
            console.info(line.toString().strip());
        }
        line.setLength(0);
    }

    @Override
    public synchronized void flush() {
        // Lines go out as they end: a part line waits for the rest of it.
    }

    @Override
    public synchronized void close() {
        emit();
    }
}
