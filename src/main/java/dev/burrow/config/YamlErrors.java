package dev.burrow.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns Jackson and SnakeYAML failures into one-line {@code file:line: problem} messages for people. */
final class YamlErrors {

    private YamlErrors() {}

    static ConfigException describe(Path path, String text, JsonProcessingException e) {
        int line;
        String problem;
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            // SnakeYAML's own message spans several lines with a source excerpt; its parts fit on one.
            Mark mark = yaml.getContextMark() != null ? yaml.getContextMark() : yaml.getProblemMark();
            line = mark.getLine() + 1;
            problem = yaml.getContext() != null ? yaml.getContext() + ": " + yaml.getProblem() : yaml.getProblem();
        } else if (e instanceof UnrecognizedPropertyException unknown) {
            line = line(text, e);
            problem = "unknown key '" + unknown.getPropertyName() + "'";
        } else if (e instanceof ValueInstantiationException invalid && invalid.getCause() != null) {
            // A section's own check refused it (a tunnel with an unknown type, say): its message is the problem.
            line = line(text, e);
            problem = invalid.getCause().getMessage();
        } else {
            line = line(text, e);
            problem = e.getOriginalMessage();
        }
        return new ConfigException((line > 0 ? path + ":" + line : path) + ": " + problem, e);
    }

    /**
     * The line to blame, or 0 if unknown. For mapping errors Jackson reports wherever it had stopped reading,
     * which for a record is often the end of the enclosing mapping, so the offending key is looked up instead.
     */
    private static int line(String text, JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping) {
            JsonPointer pointer = pointer(mapping.getPath());
            int keyLine = pointer == null ? 0 : YamlLines.of(text).lineOf(pointer);
            if (keyLine > 0) {
                return keyLine;
            }
        }
        JsonLocation location = e.getLocation();
        return location == null ? 0 : location.getLineNr();
    }

    /** Null when the path is empty or has a step Jackson could not name. */
    private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
        if (path.isEmpty()) {
            return null;
        }
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                pointer = pointer.appendProperty(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                pointer = pointer.appendIndex(step.getIndex());
            } else {
                return null;
            }
        }
        return pointer;
    }
}
