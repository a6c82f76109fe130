package dev.burrow.agent.inspect;

import java.util.List;
import java.util.Map;

/**
 * Changes to make to a captured request before it is sent again; a null part is sent as captured. A new body
 * replaces the captured one, so a request whose body was cut can be replayed once it is given whole.
 * {@code tunnelUrl} names another running tunnel to send it through (as ngrok's replay takes a tunnel's name); the
 * request then goes to that tunnel's upstream with that tunnel's hostname.
 */
public record ReplayEdits(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body,
                          String tunnelUrl) {
    public static final ReplayEdits NONE = new ReplayEdits(null, null, null, null, null);

    /** These edits, sent through the tunnel at {@code url} instead of the one the request came through. */
    public ReplayEdits through(String url) {
        return new ReplayEdits(method, uri, headers, body, url);
    }
}
