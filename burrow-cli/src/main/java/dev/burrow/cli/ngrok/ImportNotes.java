package dev.burrow.cli.ngrok;

import com.fasterxml.jackson.core.JsonPointer;
import dev.burrow.config.ConfigException;
import dev.burrow.config.YamlLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an import of another tool's config file could not carry, one line each as {@code file:line: not carried:
 * key: why}, and its refusals as {@code file:line: problem}: the lines of the file being read, by JSON pointer.
 */
final class ImportNotes {
    private final Path file;
    private final YamlLines lines;
    private final List<String> notCarried = new ArrayList<>();

    ImportNotes(Path file, String text) {
        this.file = file;
        this.lines = YamlLines.of(text);
    }

    /** Notes that the value at {@code at} was left out, and why. */
    void notCarried(JsonPointer at, String why) {
        notCarried.add(where(at) + ": not carried: " + dotted(at) + ": " + why);
    }

    /** A refusal of the whole file, at the line of {@code at}. */
    ConfigException refuse(JsonPointer at, String problem) {
        return new ConfigException(where(at) + ": " + problem, null);
    }

    List<String> lines() {
        return List.copyOf(notCarried);
    }

    private String where(JsonPointer at) {
        int line = 0;
        for (JsonPointer pointer = at; pointer != null && line == 0; pointer = pointer.head()) {
            line = lines.lineOf(pointer);
        }
        return line > 0 ? file + ":" + line : file.toString();
    }

    /** {@code /tunnels/web/inspect} as {@code tunnels.web.inspect}, {@code /endpoints/0} as {@code endpoints[0]}. */
    static String dotted(JsonPointer at) {
        StringBuilder text = new StringBuilder();
        for (JsonPointer step = at; step != null && !step.matches(); step = step.tail()) {
            if (step.mayMatchElement()) {
                text.append('[').append(step.getMatchingIndex()).append(']');
            } else {
                text.append(text.length() == 0 ? "" : ".").append(step.getMatchingProperty());
            }
        }
        return text.toString();
    }
}
