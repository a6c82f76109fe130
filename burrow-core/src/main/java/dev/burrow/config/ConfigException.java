package dev.burrow.config;

import java.io.IOException;

/**
 * The config file exists but cannot be understood. The message is meant to be shown to the user as is,
 * in the {@code file:line: problem} form that editors and terminals recognise.
 */
public final class ConfigException extends IOException {

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
