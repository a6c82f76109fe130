package dev.burrow.logging;

/** How log lines are rendered: {@code key=value} text for people, or one JSON object per line for collectors. */
public enum LogFormat {
    LOGFMT,
    JSON
}
