package dev.burrow.agent.inspect;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A captured exchange at one moment: what the inspector's API returns. Header lists keep order and repeats;
 * bodies hold the captured bytes, the body's whole size, and whether the capture was cut.
 */
public record ExchangeView(long id, String tunnelUrl, String clientAddress, Instant startedAt, Long replayOf,
                           String method, String uri, String authority,
                           List<Map.Entry<String, String>> requestHeaders, Body requestBody, Integer status,
                           List<Map.Entry<String, String>> responseHeaders, Body responseBody,
                           CapturedExchange.State state, Double durationMillis) {

    /** Captured bytes of a body; {@code truncated} when {@code size} is more than was kept. */
    public record Body(byte[] captured, long size, boolean truncated) {
    }
}
