package dev.burrow.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The burrow command in a JVM of its own, as a script runs it: stdout read line by line, stderr to a file. */
final class BurrowProcess {
    private BurrowProcess() {
    }

    /** Starts {@code burrow args...} on the test's classpath; stderr goes to {@code stderr.txt} in {@code dir}. */
    static Process start(Path dir, String... args) throws IOException {
        return start(List.of(), dir, args);
    }

    /** As {@link #start(Path, String...)}, the JVM run by {@code launcher}, such as {@code nohup}. */
    static Process start(List<String> launcher, Path dir, String... args) throws IOException {
        return start(launcher, List.of(), dir, args);
    }

    /** As {@link #start(List, Path, String...)}, the JVM given {@code jvmOptions} too. */
    static Process start(List<String> launcher, List<String> jvmOptions, Path dir, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BurrowCommand.class.getName()));
        command.addAll(List.of(args));
        // Stderr goes to a file: an unread pipe could fill and stall the process.
        return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    static BufferedReader stdout(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads stdout until a line matches; the process's own exit or a closed stream fails the test. */
    static Matcher awaitLine(BufferedReader out, Pattern pattern) throws IOException {
        String line;
        List<String> seen = new ArrayList<>();
        while ((line = out.readLine()) != null) {
            Matcher matcher = pattern.matcher(line.trim());
            if (matcher.matches()) {
                return matcher;
            }
            seen.add(line);
        }
        throw new AssertionError("process ended before printing " + pattern + "; stdout was " + seen);
    }
}
