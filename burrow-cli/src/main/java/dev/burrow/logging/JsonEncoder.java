package dev.burrow.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Renders each event as one JSON object on its own line, with the same fields as {@link LogfmtEncoder}:
 * {@code t, lvl, logger, msg}, then the event's key-value pairs, then {@code err} and {@code stack}.
 */
public final class JsonEncoder extends EncoderBase<ILoggingEvent> {

    // Thread-safe and cheap to share; a fresh generator per event keeps the encoder itself stateless.
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("t", EventFields.time(event));
            json.writeStringField("lvl", EventFields.level(event));
            json.writeStringField("logger", EventFields.logger(event));
            json.writeStringField("msg", event.getFormattedMessage());
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair pair : pairs) {
                    json.writeFieldName(pair.key);
                    writeValue(json, pair.value);
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("err", EventFields.error(thrown));
                json.writeStringField("stack", EventFields.stack(thrown));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /**
     * Numbers and booleans stay typed so collectors can filter on them; anything else goes through
     * toString, because serializing arbitrary objects (a Netty channel, say) could fail or leak internals.
     */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else {
            json.writeString(value.toString());
        }
    }
}
