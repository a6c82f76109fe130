package dev.burrow.agent.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The inspector page's files, read from the jar once: plain HTML, CSS and JavaScript, nothing fetched elsewhere. */
final class PageAssets {
    record Asset(byte[] bytes, String contentType) {
    }

    private static final Map<String, Asset> BY_PATH = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/inspector.css", load("inspector.css", "text/css; charset=utf-8"),
            "/inspector.js", load("inspector.js", "text/javascript; charset=utf-8"));

    private PageAssets() {
    }

    /** The file served at {@code path}, or null. */
    static Asset find(String path) {
        return BY_PATH.get(path);
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = PageAssets.class.getResourceAsStream("/inspector/" + name)) {
            if (in == null) {
                throw new IllegalStateException("inspector page file missing from the jar: " + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
