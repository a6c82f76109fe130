package dev.burrow.cli;

import java.nio.file.Path;
import java.util.Map;

/** Where the edge keeps its database and certificate unless told otherwise. */
final class DataDirs {
    private DataDirs() {
    }

    static Path defaultFor(String name) {
        return defaultFor(name, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * {@code $XDG_DATA_HOME/burrow/NAME} if that variable holds an absolute path (the XDG spec says to ignore
     * relative ones), else {@code ~/.local/share/burrow/NAME}.
     */
    static Path defaultFor(String name, Map<String, String> env, Path home) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : home.resolve(".local").resolve("share");
        return base.resolve("burrow").resolve(name);
    }
}
