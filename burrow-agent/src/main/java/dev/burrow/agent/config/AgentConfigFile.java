package dev.burrow.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.burrow.config.ConfigException;
import dev.burrow.config.ConfigText;
import dev.burrow.config.PrivateFile;
import dev.burrow.config.YamlErrors;
import dev.burrow.config.YamlLines;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Finds, reads and updates the agent's per-user {@code burrow.yml}. */
public final class AgentConfigFile {

    public static final String ENV_VAR = "BURROW_CONFIG";

    private static final String DIR_NAME = "burrow";
    private static final String FILE_NAME = "burrow.yml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            // A misspelt key silently ignored is worse than a refusal to start.
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // The file is edited by hand too, so write it the way a person would.
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // ...except that a token made only of digits must not read back as a number.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private AgentConfigFile() {}

    /** Where the config file lives for the current user; see {@link #defaultPath(Map, String, Path)}. */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    /**
     * {@code $BURROW_CONFIG} if set; otherwise {@code burrow/burrow.yml} under {@code $XDG_CONFIG_HOME} if that is
     * an absolute path (the XDG spec says to ignore relative ones); otherwise under the platform's usual place:
     * {@code %APPDATA%} on Windows, {@code ~/Library/Application Support} on macOS, {@code ~/.config} elsewhere.
     */
    public static Path defaultPath(Map<String, String> env, String osName, Path home) {
        String explicit = env.get(ENV_VAR);
        if (isSet(explicit)) {
            return Path.of(explicit);
        }
        return configHome(env, osName.toLowerCase(Locale.ROOT), home).resolve(DIR_NAME).resolve(FILE_NAME);
    }

    private static Path configHome(Map<String, String> env, String os, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (isSet(xdg) && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return isSet(appData) ? Path.of(appData) : home.resolve("AppData").resolve("Roaming");
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return home.resolve("Library").resolve("Application Support");
        }
        return home.resolve(".config");
    }

    /**
     * Reads the config file. A missing or empty file gives {@link AgentConfig#empty()}.
     *
     * @throws ConfigException if the file is not valid YAML or has a key or value the agent does not understand;
     *     the message names the file and line
     */
    public static AgentConfig load(Path path) throws IOException {
        String text;
        try {
            text = ConfigText.read(path);
        } catch (NoSuchFileException e) {
            return AgentConfig.empty();
        }
        try (JsonParser parser = YAML.createParser(text)) {
            // Jackson refuses to map a document with no content at all, but an empty file just means "no settings".
            if (parser.nextToken() == null) {
                return AgentConfig.empty();
            }
            // The whole text is read first, so that a syntax error is told as such: mapped as it is read, a tunnel
            // cut short by a badly indented line would be refused for the key that line holds.
            YAML.readTree(text);
            AgentConfig config = YAML.readValue(parser, AgentConfig.class);
            if (config == null) {
                return AgentConfig.empty();
            }
            checkTunnelKeys(path, text);
            return config;
        } catch (JsonProcessingException e) {
            throw YamlErrors.describe(path, text, e);
        }
    }

    /** Refuses a key no tunnel has, at its line: Jackson does not, beside a tunnel's shorthand keys. */
    private static void checkTunnelKeys(Path path, String text) throws IOException {
        JsonNode tunnels = YAML.readTree(text).path("tunnels");
        for (var tunnel : (Iterable<Map.Entry<String, JsonNode>>) tunnels::fields) {
            String unknown = tunnel.getValue().isObject() ? TunnelDefinition.unknownKey(tunnel.getValue()) : null;
            if (unknown != null) {
                int line = YamlLines.of(text).lineOf(JsonPointer.empty().appendProperty("tunnels")
                        .appendProperty(tunnel.getKey()).appendProperty(unknown));
                throw new ConfigException((line > 0 ? path + ":" + line : path.toString()) + ": unknown key '"
                        + unknown + "'", null);
            }
        }
    }

    /**
     * Stores {@code token} as the authtoken, keeping every other setting already in the file (though not its
     * comments, since the file is rewritten from {@link AgentConfig}). The file is replaced in one step, so a
     * crash never leaves it half written, and on POSIX systems it is readable only by its owner.
     *
     * @throws ConfigException if the existing file cannot be read; it is left untouched rather than overwritten
     */
    public static void saveAuthtoken(Path path, String token) throws IOException {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("authtoken must not be empty");
        }
        AgentConfig updated = load(path).withAuthtoken(token.strip());
        if (updated.version() == null) {
            updated = updated.withVersion(AgentConfig.CURRENT_VERSION);
        }
        write(path, updated);
    }

    /**
     * Writes {@code config} as the whole file, replacing any there in one step; on POSIX systems it is readable only
     * by its owner.
     */
    public static void write(Path path, AgentConfig config) throws IOException {
        PrivateFile.write(path, YAML.writeValueAsBytes(config));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
