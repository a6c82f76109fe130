package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

class SessionScreenTest {
    private static final ExchangeView.Body EMPTY = new ExchangeView.Body(new byte[0], 0, false);

    private static ExchangeView request(long id, String uri, Integer status, CapturedExchange.State state) {
        return new ExchangeView(id, "http://a.burrow.test", "127.0.0.1:1", Instant.parse("2026-11-25T12:00:00Z"),
                null, "GET", uri, "a.burrow.test", List.of(), EMPTY, status, List.of(), EMPTY, state, 1.5, null, List.of(), null);
    }

    private static List<String> text(List<AttributedString> lines) {
        return lines.stream().map(AttributedString::toString).toList();
    }

    @Test
    void showsTheSessionTheTunnelsAndTheLatestRequests() {
        SessionScreen.Snapshot snapshot = new SessionScreen.Snapshot("online", true, "edge-1 (127.0.0.1:4443)", 0.4,
                "http://127.0.0.1:4040", List.of("http://a.burrow.test:8080 -> http://localhost:3000"), null,
                List.of(request(2, "/second", 404, CapturedExchange.State.COMPLETE),
                        request(1, "/first", null, CapturedExchange.State.RESET)));

        List<String> lines = text(SessionScreen.render(snapshot, 120, 40));

        assertThat(lines.get(0)).startsWith("Burrow");
        assertThat(lines).anyMatch(line -> line.startsWith("Session Status") && line.endsWith("online"));
        assertThat(lines).anyMatch(line -> line.startsWith("Edge") && line.contains("edge-1 (127.0.0.1:4443)"));
        assertThat(lines).anyMatch(line -> line.startsWith("Latency") && line.endsWith("0.4 ms"));
        assertThat(lines).anyMatch(line -> line.startsWith("Web Interface") && line.endsWith("http://127.0.0.1:4040"));
        assertThat(lines).anyMatch(line -> line.startsWith("Forwarding")
                && line.endsWith("http://a.burrow.test:8080 -> http://localhost:3000"));
        int header = lines.indexOf("HTTP Requests");
        assertThat(lines.get(header + 2)).contains("GET").contains("/second").contains("404").contains("1.5 ms");
        assertThat(lines.get(header + 3)).contains("/first").contains("reset");
    }

    @Test
    void fitsTheTerminalCuttingRequestsFirstAndLongLines() {
        List<ExchangeView> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(request(i, "/path/" + "x".repeat(100) + i, 200, CapturedExchange.State.COMPLETE));
        }
        SessionScreen.Snapshot snapshot = new SessionScreen.Snapshot("reconnecting in 1.2s (attempt 2)", false,
                "127.0.0.1:4443", null, null, List.of("http://a.burrow.test -> http://localhost:3000"),
                "config not reloaded: bad file", many);

        List<AttributedString> lines = SessionScreen.render(snapshot, 60, 20);

        assertThat(lines).hasSize(19);
        assertThat(lines).allMatch(line -> line.columnLength() <= 60);
        assertThat(text(lines)).anyMatch(line -> line.startsWith("Session Status") && line.contains("reconnecting"));
        assertThat(text(lines)).anyMatch(line -> line.startsWith("Latency") && line.endsWith("-"));
        assertThat(text(lines)).anyMatch(line -> line.startsWith("Notice") && line.contains("config not reloaded"));
        assertThat(text(lines)).noneMatch(line -> line.startsWith("Web Interface"));
    }
}
