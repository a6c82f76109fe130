package dev.burrow.agent.inspect;

import java.util.List;
import java.util.Map;

/**
 * Changes to make to a captured request before it is sent again; a null part is sent as captured. A new body
 * replaces the captured one, so a request whose body was cut can be replayed once it is given whole.
 */
public record ReplayEdits(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body) {
    public static final ReplayEdits NONE = new ReplayEdits(null, null, null, null);
}
