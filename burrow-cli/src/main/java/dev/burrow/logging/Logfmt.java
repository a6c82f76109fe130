package dev.burrow.logging;

/** logfmt quoting rules, kept apart from the encoder so they can be read (and tested) on their own. */
final class Logfmt {

    private Logfmt() {}

    static void appendPair(StringBuilder line, String key, String value) {
        if (line.length() > 0) {
            line.append(' ');
        }
        appendKey(line, key);
        line.append('=');
        appendValue(line, value);
    }

    /** Keys are never quoted by logfmt parsers, so characters that would end the key are replaced instead. */
    private static void appendKey(StringBuilder line, String key) {
        if (key.isEmpty()) {
            line.append('_');
            return;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            line.append(needsQuotes(c) ? '_' : c);
        }
    }

    static void appendValue(StringBuilder line, String value) {
        if (!needsQuotes(value)) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if (needsQuotes(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    // Space and control characters would split the pair or the line; '=' and '"' would confuse the parser.
    private static boolean needsQuotes(char c) {
        return c <= ' ' || c == '=' || c == '"' || Character.isISOControl(c);
    }
}
