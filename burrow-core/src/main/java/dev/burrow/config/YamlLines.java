package dev.burrow.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a YAML (or JSON) text starts: the 1-based line of every key and list item, by its JSON pointer.
 * Jackson's trees keep no positions, so errors found after parsing look their line up here.
 */
public final class YamlLines {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final Map<JsonPointer, Integer> lines;

    private YamlLines(Map<JsonPointer, Integer> lines) {
        this.lines = lines;
    }

    /** Reads {@code text} once; a syntax error stops the reading, and later values have no line. */
    public static YamlLines of(String text) {
        Map<JsonPointer, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text)) {
            while (parser.nextToken() != null) {
                lines.putIfAbsent(parser.getParsingContext().pathAsPointer(),
                        parser.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // The caller parsed the text already and reports syntax errors itself.
        }
        return new YamlLines(lines);
    }

    /** The line of the value (or key) at {@code pointer}, or 0 if unknown. */
    public int lineOf(JsonPointer pointer) {
        return lines.getOrDefault(pointer, 0);
    }
}
