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
public final class YamlErrors {

    private YamlErrors() {}

    public static ConfigException describe(Path path, String text, JsonProcessingException e) {
        int line;
        String problem;
        MarkedYAMLException yaml = marked(e);
        if (yaml != null) {
            // SnakeYAML's own message spans several lines with a source excerpt; its parts fit on one. The line is
            // where it found the problem, unless that is the end of the text (an unclosed quote, say): then where
            // what it was reading began.
            Mark found = yaml.getProblemMark();
            Mark context = yaml.getContextMark();
            boolean atEnd = found.getIndex() >= text.length() || yaml.getProblem().contains("end of stream");
            if (context != null && (atEnd || context.getLine() == found.getLine())) {
                line = context.getLine() + 1;
                problem = yaml.getContext() + ": " + yaml.getProblem();
            } else {
                line = found.getLine() + 1;
                problem = inWords(yaml.getProblem());
            }
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

    /** SnakeYAML's wording of the mistakes people make most, in theirs. */
    private static String inWords(String problem) {
        if (problem.startsWith("expected <block end>")) {
            return "this line is indented as no key above it is: indent it as its neighbours are";
        }
        return problem;
    }

    /**
     * SnakeYAML's own failure, with where it was in the text, however deep Jackson wrapped it (a mapping error
     * wraps the parser's, which wraps SnakeYAML's); null if there is none.
     */
    private static MarkedYAMLException marked(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                return yaml;
            }
        }
        return null;
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
