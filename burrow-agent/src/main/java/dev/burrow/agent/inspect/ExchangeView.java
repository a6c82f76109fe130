package dev.burrow.agent.inspect;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A captured exchange at one moment: what the inspector's API returns. Header lists keep order and repeats;
 * bodies hold the captured bytes, the body's whole size, and whether the capture was cut. An exchange the edge's
 * policy answered has only its request line, client and status ({@link Denial}); {@code policyRules} names the rules
 * of the tunnel's policy that acted on a request it let through.
 */
public record ExchangeView(long id, String tunnelUrl, String clientAddress, Instant startedAt, Long replayOf,
                           String method, String uri, String authority,
                           List<Map.Entry<String, String>> requestHeaders, Body requestBody, Integer status,
                           List<Map.Entry<String, String>> responseHeaders, Body responseBody,
                           CapturedExchange.State state, Double durationMillis, WebSocket webSocket,
                           List<String> policyRules, Denial denial) {

    /**
     * Set for a request the tunnel's traffic policy answered at the edge, which never came through the tunnel:
     * the rule that answered, and its {@code burrow-error} code.
     */
    public record Denial(String rule, String reason) {
    }

    /**
     * The frames of a WebSocket upgrade, in order, each with the first bytes of its payload; {@code dropped} counts
     * frames past the limit that were not kept.
     */
    public record WebSocket(List<Frame> frames, long dropped) {
    }

    /** One WebSocket frame: {@code fromClient} is the public client's direction; {@code type} as RFC 6455 names it. */
    public record Frame(Instant at, boolean fromClient, String type, boolean fin, long length, byte[] preview) {
    }

    /** Captured bytes of a body; {@code truncated} when {@code size} is more than was kept. */
    public record Body(byte[] captured, long size, boolean truncated) {
    }
}
