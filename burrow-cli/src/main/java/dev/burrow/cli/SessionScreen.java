package dev.burrow.cli;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What the live console shows, as lines for a terminal of a given size: the session's state, the edge, the
 * latency, the inspector, each tunnel, then as many of the latest requests as fit. A pure function of a
 * {@link Snapshot}, so it is tested without a terminal.
 */
final class SessionScreen {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int LABEL = 17;

    /** Everything the screen shows at one moment. */
    record Snapshot(String status, boolean healthy, String edge, Double latencyMillis, String inspectorUrl,
                    List<String> forwarding, String notice, List<ExchangeView> latest) {
    }

    private SessionScreen() {
    }

    static List<AttributedString> render(Snapshot snapshot, int width, int height) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(new AttributedStringBuilder()
                .style(AttributedStyle.BOLD.foreground(AttributedStyle.CYAN)).append("Burrow")
                .style(AttributedStyle.DEFAULT).append("    (Ctrl-C to quit)").toAttributedString());
        lines.add(AttributedString.EMPTY);
        lines.add(field("Session Status", snapshot.status(), snapshot.healthy()
                ? AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)
                : AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)));
        lines.add(field("Edge", snapshot.edge(), AttributedStyle.DEFAULT));
        lines.add(field("Latency", snapshot.latencyMillis() == null ? "-"
                : String.format(Locale.ROOT, "%.1f ms", snapshot.latencyMillis()), AttributedStyle.DEFAULT));
        if (snapshot.inspectorUrl() != null) {
            lines.add(field("Web Interface", snapshot.inspectorUrl(), AttributedStyle.DEFAULT));
        }
        for (String forward : snapshot.forwarding()) {
            lines.add(field("Forwarding", forward, AttributedStyle.DEFAULT));
        }
        if (snapshot.notice() != null) {
            lines.add(field("Notice", snapshot.notice(), AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)));
        }
        lines.add(AttributedString.EMPTY);
        if (snapshot.latest() != null) {
            lines.add(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("HTTP Requests")
                    .toAttributedString());
            lines.add(new AttributedString("-------------"));
            int room = Math.max(0, height - lines.size() - 1);
            for (ExchangeView request : snapshot.latest().subList(0, Math.min(room, snapshot.latest().size()))) {
                lines.add(request(request));
            }
        }
        List<AttributedString> fitted = new ArrayList<>();
        for (AttributedString line : lines.subList(0, Math.min(lines.size(), height))) {
            fitted.add(line.columnLength() > width ? line.columnSubSequence(0, width) : line);
        }
        return fitted;
    }

    private static AttributedString field(String label, String value, AttributedStyle style) {
        return new AttributedStringBuilder().append(String.format(Locale.ROOT, "%-" + LABEL + "s", label))
                .style(style).append(value == null ? "-" : value).toAttributedString();
    }

    private static AttributedString request(ExchangeView request) {
        String status = switch (request.state()) {
            case IN_PROGRESS -> "...";
            case RESET -> request.status() == null ? "reset" : request.status() + " reset";
            case COMPLETE -> String.valueOf(request.status());
        };
        int code = request.status() == null ? 0 : request.status();
        AttributedStyle statusStyle;
        if (code >= 500 || request.state() == CapturedExchange.State.RESET) {
            statusStyle = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
        } else if (code >= 400) {
            statusStyle = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
        } else if (code > 0) {
            statusStyle = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
        } else {
            statusStyle = AttributedStyle.DEFAULT;
        }
        return new AttributedStringBuilder()
                .append(TIME.format(request.startedAt())).append("  ")
                .append(String.format(Locale.ROOT, "%-7s", request.method()))
                .append(String.format(Locale.ROOT, "%-40s", request.uri())).append(" ")
                .style(statusStyle).append(String.format(Locale.ROOT, "%-10s", status))
                .style(AttributedStyle.DEFAULT)
                .append(request.durationMillis() == null ? "" : String.format(Locale.ROOT, "%.1f ms",
                        request.durationMillis()))
                .toAttributedString();
    }
}
