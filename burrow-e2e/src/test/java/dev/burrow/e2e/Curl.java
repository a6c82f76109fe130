package dev.burrow.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The curl command line as a test's public HTTP/2 client; tests are skipped where curl lacks HTTP/2. */
final class Curl {
    record Result(int exitCode, String out, String err) {
    }

    private Curl() {
    }

    /** Skips the calling test unless a curl with HTTP/2 support is on the PATH. */
    static void assumeHttp2() {
        Result version;
        try {
            version = run(List.of("--version"), null);
        } catch (IOException e) {
            version = null;
        }
        assumeTrue(version != null && version.exitCode() == 0 && version.out().contains("HTTP2"),
                "curl with HTTP/2 support is not installed");
    }

    /** Runs curl with {@code args} (and the body of {@code upload} on stdin if given), at most 60 s. */
    static Result run(List<String> args, Path upload) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (upload != null) {
            builder.redirectInput(upload.toFile());
        }
        Path out = Files.createTempFile("curl", ".out");
        Path err = Files.createTempFile("curl", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("curl did not finish within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
